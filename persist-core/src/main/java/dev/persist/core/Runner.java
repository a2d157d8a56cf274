package dev.persist.core;

import dev.persist.PersistentTask;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of a Java job's JVM, started by the job's wrapper: checks the job's class path
 * snapshots, reads the task (defining the classes it brought from JShell, if any), runs it, and
 * stores its result or its exception in the job directory. Exit codes: 0 result stored, 1 the
 * task threw, 2 the task could not be loaded or its result not stored. Any other code comes from
 * the task itself ({@code System.exit}) or from the JVM.
 */
public final class Runner {

    static final int TASK_THREW = 1;
    static final int RUNNER_FAILED = 2;

    private Runner() {
    }

    /**
     * @param args the job directory
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: java " + Runner.class.getName() + " JOB_DIRECTORY");
            System.exit(RUNNER_FAILED);
        }
        JobDir dir = new JobDir(Path.of(args[0]));
        KryoCodec codec = new KryoCodec();
        PersistentTask<?> task;
        try {
            task = load(dir, codec);
        } catch (Exception | LinkageError e) {
            fail(dir, e, RUNNER_FAILED);
            return;
        }
        Object result;
        try {
            result = task.call();
        } catch (Throwable t) {
            fail(dir, t, TASK_THREW);
            return;
        }
        try {
            SecureFiles.writeAtomically(dir.file(JobDir.RESULT), out -> codec.write(result, out));
        } catch (IOException | RuntimeException e) {
            fail(dir, new IllegalStateException("The task returned a value of type "
                    + (result == null ? "null" : result.getClass().getName()) + " that cannot be stored: "
                    + e.getMessage(), e), RUNNER_FAILED);
            return;
        }
        System.out.flush();
        // End the JVM even if the task left non-daemon threads behind: the job is done.
        System.exit(0);
    }

    private static PersistentTask<?> load(JobDir dir, KryoCodec codec) throws IOException, UnreadableDataException {
        SecureFiles.checkPrivate(dir.path(), "the job directory");
        JobRecord record;
        try {
            record = JobRecord.fromJson(Files.readString(dir.file(JobDir.JOB_JSON), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("Cannot read " + dir.file(JobDir.JOB_JSON) + ": " + e.getMessage(), e);
        }
        // Before any class of the task is loaded from them.
        Snapshots.verify(dir.path(), record.classpath());
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        if (dir.has(JobDir.JSHELL_CLASSES)) {
            SecureFiles.checkPrivate(dir.file(JobDir.JSHELL_CLASSES), "the JShell classes of the job");
            loader = new ShippedClassLoader(ShippedClassLoader.read(dir.file(JobDir.JSHELL_CLASSES)), loader);
        }
        Thread.currentThread().setContextClassLoader(loader);
        Object task;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.file(JobDir.TASK)), 1 << 16)) {
            task = codec.read(in, loader);
        } catch (UnreadableDataException e) {
            throw new UnreadableDataException("Cannot load the task: " + e.getMessage() + hint(record.classpath()), e);
        }
        if (task instanceof PersistentTask<?> t) {
            return t;
        }
        throw new IOException("Cannot load the task: " + dir.file(JobDir.TASK) + " holds a "
                + (task == null ? "null" : task.getClass().getName()) + ", not a PersistentTask");
    }

    private static String hint(PinnedClasspath classpath) {
        if (classpath.entries().isEmpty()) {
            return " (was the code rebuilt since the job was submitted?)"; // a job of format 1 runs from the live class path
        }
        if (!classpath.skipped().isEmpty()) {
            return " (class path entries of the submitting JVM that could not be pinned: " + classpath.describeSkipped() + ")";
        }
        return "";
    }

    private static void fail(JobDir dir, Throwable t, int exitCode) {
        t.printStackTrace();
        try {
            TaskFailure failure = TaskFailure.of(t);
            SecureFiles.writeAtomically(dir.file(JobDir.ERROR_TXT), failure.printed().getBytes(StandardCharsets.UTF_8));
            SecureFiles.writeAtomically(dir.file(JobDir.FAILURE), failure.toBytes());
        } catch (IOException | RuntimeException e) {
            System.err.println("persist: could not record the failure in " + dir.path() + ": " + e);
        }
        System.err.flush();
        System.exit(exitCode);
    }
}
