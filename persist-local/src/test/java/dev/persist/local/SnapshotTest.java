package dev.persist.local;

import static dev.persist.local.LocalTestSupport.compile;
import static dev.persist.local.LocalTestSupport.lineAfter;
import static dev.persist.local.LocalTestSupport.runForOutput;
import static dev.persist.local.LocalTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.core.JobDir;
import dev.persist.core.JobRecord;
import dev.persist.core.PinnedClasspath;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * A job runs the code it was submitted with: rebuilding, rewriting or deleting the class
 * directories and jars of the submitting JVM afterwards changes nothing for it. The submitter is
 * a separate JVM whose class path holds a freshly compiled application, as a user's would.
 */
class SnapshotTest extends LocalJobTestBase {

    /** The application: a class whose answer the rebuild changes, and a main that persists a task calling it. */
    private static Map<String, String> application(String answer) {
        return Map.of("app.Answer", """
                package app;
                public class Answer {
                    public static String value() { return "%s"; }
                }
                """.formatted(answer), "app.Submit", """
                package app;
                import dev.persist.*;
                import java.nio.file.*;
                public class Submit {
                    /** Arguments: home, job name, release file, local queue slots. */
                    public static void main(String[] args) {
                        String release = args[2];
                        Job<String> job = Persist.jobs(Path.of(args[0])).persist(args[1],
                                JobOptions.backend("local").option("slots", args[3]), () -> {
                                    while (!Files.exists(Path.of(release))) Thread.sleep(20);
                                    return Answer.value();
                                });
                        System.out.println("SUBMITTED " + job.name());
                    }
                }
                """);
    }

    private Path build(String answer) throws IOException {
        Path classes = tmp.resolve("app/target/classes");
        compile(classes, application(answer));
        return classes;
    }

    /** Packs compiled classes into a jar, writing over the jar's file in place if it exists. */
    private static Path jar(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Path f : files) {
                out.putNextEntry(new ZipEntry(classes.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
            }
        }
        return jar;
    }

    /** Persists from a new JVM whose class path is this JVM's plus the application's entries. */
    private Job<?> submitFrom(String name, String slots, Path... application) {
        StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
        for (Path entry : application) {
            classPath.append(File.pathSeparator).append(entry);
        }
        String output = runForOutput(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                classPath.toString(), "app.Submit", home.toString(), name, scratchFile("release"), slots), scratch, GENEROUS);
        assertEquals(name, lineAfter(output, "SUBMITTED "), output);
        return jobs.open(name);
    }

    private static String answerIn(Path entry) throws ReflectiveOperationException, IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {entry.toUri().toURL()}, null)) {
            return (String) loader.loadClass("app.Answer").getMethod("value").invoke(null);
        }
    }

    private void release() throws IOException {
        Files.createFile(Path.of(scratchFile("release")));
    }

    private static PinnedClasspath classpath(Job<?> job) throws IOException {
        return record(job).classpath();
    }

    private static JobRecord record(Job<?> job) throws IOException {
        return JobRecord.fromJson(Files.readString(job.directory().resolve(JobDir.JOB_JSON)));
    }

    @Test
    void rebuildingTheClassDirectoryDoesNotChangeAQueuedJob() throws Exception {
        Job<String> blocker = jobs.persist("blocker", oneSlot(), pidThenSleep(scratchFile("blocker.pid"), GENEROUS));
        LocalTestSupport.awaitPid(scratch.resolve("blocker.pid"));
        Path classes = build("first");
        Job<?> job = submitFrom("answer", "1", classes);
        assertEquals(JobStatus.QUEUED, job.status(), job::info);

        build("second");
        assertEquals("second", answerIn(classes), "the class directory was rebuilt");
        blocker.cancel();
        release();

        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("first", job.fetch());
        assertTrue(classpath(job).entries().stream().anyMatch(e -> e.source().equals(classes.toString())));
    }

    @Test
    void rewritingAJarInPlaceDoesNotChangeARunningJobAndMissingEntriesAreSkipped() throws Exception {
        Path jar = jar(build("first"), tmp.resolve("app.jar"));
        Path missing = tmp.resolve("lib/missing.jar");
        Job<?> job = submitFrom("answer", "2", jar, missing);
        waitFor(() -> job.status() == JobStatus.RUNNING, GENEROUS, "the job to run");

        Object inode = Files.getAttribute(jar, "unix:ino");
        jar(build("second"), jar);
        assertEquals(inode, Files.getAttribute(jar, "unix:ino"), "the same file, rewritten");
        assertEquals("second", answerIn(jar));
        release();

        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("first", job.fetch());
        assertEquals(List.of(new PinnedClasspath.Skipped(missing.toString(), "does not exist")), classpath(job).skipped());
        assertTrue(job.info().contains("; not pinned: " + missing + " (does not exist)"), job.info());
    }

    @Test
    void deletingTheClassDirectoryDoesNotBreakARunningJob() throws Exception {
        Path classes = build("first");
        Job<?> job = submitFrom("answer", "2", classes);
        waitFor(() -> job.status() == JobStatus.RUNNING, GENEROUS, "the job to run");

        LocalTestSupport.run("rm", "-rf", tmp.resolve("app").toString());
        release();

        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("first", job.fetch());
    }

    @Test
    void jobsFromOneClassPathShareItsSnapshotsWhichCleanupReleases() throws IOException {
        Path snapshots = home.resolve("snapshots");
        Job<Integer> first = jobs.persist("shared-0", local(), () -> 0);
        Map<String, Long> stored = files(snapshots);
        for (int i = 1; i < 5; i++) {
            int value = i;
            assertEquals(value, jobs.persist("shared-" + i, local(), () -> value).fetch());
        }
        assertEquals(0, first.fetch());
        assertEquals(stored, files(snapshots), "nothing new was stored");

        for (int i = 0; i < 5; i++) {
            jobs.open("shared-" + i).cleanup();
        }
        assertEquals(Map.of(), files(snapshots), "no job left, no snapshot left");
    }

    @Test
    void jobsWithOneClassPathShareAClassDataArchiveWhichTheFirstMakesAndWhichServesWhileItExists() throws IOException {
        // %p: each job's JVM logs into its own file; the options are the same, so is the archive's key.
        JobOptions logged = local().jvmOptions("-Xlog:class+load=info:file=" + scratch.resolve("classes-%p.log"));
        Job<Integer> first = jobs.persist("archive-0", logged, () -> 0);
        assertEquals(0, first.fetch());
        Job<Integer> second = jobs.persist("archive-1", logged, () -> 1);
        assertEquals(1, second.fetch());

        String dump = option(first, "-XX:ArchiveClassesAtExit=");
        String archive = option(second, "-XX:SharedArchiveFile=");
        assertEquals(home.resolve("cds").toString(), Path.of(archive).getParent().toString());
        assertEquals(dump.replace(".archive-0.dump", ".jsa"), archive, "the first job's dump became the archive");
        assertTrue(Files.size(Path.of(archive)) > 0);
        assertEquals(classpath(second).path(second.directory()), option(second, "-cp"), "each job runs from its own links");
        List<String> logs = new ArrayList<>();
        try (Stream<Path> list = Files.list(scratch)) {
            for (Path log : list.filter(p -> p.getFileName().toString().startsWith("classes-")).toList()) {
                logs.add(Files.readString(log));
            }
        }
        assertEquals(2, logs.size());
        assertEquals(1, logs.stream().filter(l -> l.contains("dev.persist.core.Runner source: shared objects file (top)")).count(),
                "the second job's JVM mapped the runner from the archive");
        assertEquals(1, logs.stream().filter(l -> l.contains("dev.persist.core.Runner source: file:" + first.directory())).count(),
                "the first job's JVM read it from the first job's links");
        assertEquals("", second.stdout() + second.stderr(), "the JVM's archive messages stay out of the job's output");

        first.cleanup(); // the archive names its links
        Job<Integer> third = jobs.persist("archive-2", logged, () -> 2);
        assertEquals(dump.replace(".archive-0.", ".archive-2."), option(third, "-XX:ArchiveClassesAtExit="), "made anew");
        assertEquals(2, third.fetch());
    }

    /** The value of the runner JVM's option starting with {@code prefix}. */
    private static String option(Job<?> job, String prefix) throws IOException {
        List<String> command = record(job).command();
        if (prefix.equals("-cp")) {
            return command.get(command.indexOf("-cp") + 1);
        }
        return command.stream().filter(o -> o.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " not in " + command)).substring(prefix.length());
    }

    private static Map<String, Long> files(Path dir) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}\\.jar")).toList()) {
                files.put(p.getFileName().toString(), Files.size(p));
            }
        }
        return files;
    }

    @Test
    void aDamagedSnapshotFailsTheJobWithAClearErrorAndTheNextJobStoresItAgain() throws IOException {
        Job<String> blocker = jobs.persist("blocker", oneSlot(), pidThenSleep(scratchFile("blocker.pid"), GENEROUS));
        LocalTestSupport.awaitPid(scratch.resolve("blocker.pid"));
        Job<String> job = jobs.persist("damaged", oneSlot(), () -> "ran");
        PinnedClasspath.Entry entry = classpath(job).entries().get(0);
        Path link = entry.link(job.directory());
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(link);
        bytes[bytes.length / 2] ^= 1;
        Files.write(link, bytes); // the stored snapshot is the same file: damaged as well
        blocker.cancel();

        JobFailedException failure = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(JobStatus.FAILED, failure.status());
        assertEquals("The class path entry " + entry.source() + ", pinned for this job as " + link + ", is damaged: its"
                + " content no longer has the SHA-256 its name says. It was removed from " + home.resolve("snapshots")
                + "; submit the job again to pin a fresh copy.", failure.remoteMessage().orElseThrow());
        assertFalse(Files.exists(home.resolve("snapshots").resolve(entry.fileName())));

        assertEquals("ran again", jobs.persist("again", local(), () -> "ran again").fetch());
        assertTrue(Files.exists(home.resolve("snapshots").resolve(entry.fileName())));
    }
}
