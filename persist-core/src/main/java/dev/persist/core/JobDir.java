package dev.persist.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The layout of a job directory, {@code <home>/jobs/<name>/}. Core owns every file in it; the
 * backend only starts {@link #RUN_SH}, which writes the markers.
 */
public final class JobDir {

    /** The job's description: format, name, backend, command, options, backend handle. */
    public static final String JOB_JSON = "job.json";
    /** The serialized task (Java jobs only). */
    public static final String TASK = "task.bin";
    /** Hard links to the job's class path snapshots, {@code <sha256>.jar}; see {@link PinnedClasspath}. */
    public static final String CLASSPATH = "classpath";
    /** The classes a task from JShell needs that exist only in the JShell session (Java jobs from JShell only). */
    public static final String JSHELL_CLASSES = "jshell-classes.jar";
    /** The wrapper that runs the job and writes the markers. */
    public static final String RUN_SH = "run.sh";
    /** The serialized result, written by the runner before it exits. */
    public static final String RESULT = "result.bin";
    /** The exception a Java task threw, serialized. */
    public static final String FAILURE = "failure.bin";
    /** The exception a Java task threw, as printed. */
    public static final String ERROR_TXT = "error.txt";
    /** The job's standard output. */
    public static final String STDOUT = "stdout";
    /** The job's standard error. */
    public static final String STDERR = "stderr";
    /** Marker: the wrapper started the job (after waiting for a queue slot). */
    public static final String STARTED = "started";
    /** Marker: the job's exit status, written once its process has exited. */
    public static final String EXIT = "exit";
    /** Marker: the job received SIGTERM. */
    public static final String TERMINATED = "terminated";
    /** Marker: the job reached its time limit. */
    public static final String TIME_LIMIT = "time-limit";
    /** Marker: someone asked to cancel the job; written before any signal is sent. */
    public static final String CANCEL_REQUESTED = "cancel-requested";

    private final Path path;

    /** @param path the job directory */
    public JobDir(Path path) {
        this.path = path;
    }

    /** @return the directory */
    public Path path() {
        return path;
    }

    /**
     * @param name a file name from this class's constants
     * @return its path
     */
    public Path file(String name) {
        return path.resolve(name);
    }

    /**
     * @param name a file name
     * @return whether the file exists
     */
    public boolean has(String name) {
        return Files.exists(file(name));
    }

    /**
     * @param name a file name
     * @return when the file was last modified, if it exists
     */
    public Optional<Instant> time(String name) {
        try {
            return Optional.of(Files.getLastModifiedTime(file(name)).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @return the exit status the wrapper recorded, if it did
     * @throws IOException if the marker exists but cannot be read
     */
    public Optional<Integer> exitStatus() throws IOException {
        String text;
        try {
            text = Files.readString(file(EXIT), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IOException("the exit marker " + file(EXIT) + " holds '" + text + "', not an exit status");
        }
    }

    /**
     * Creates an empty marker file, if it does not exist yet.
     *
     * @param name the marker's name
     * @throws IOException if it cannot be created
     */
    public void mark(String name) throws IOException {
        try {
            Files.createFile(file(name));
        } catch (FileAlreadyExistsException ignored) {
            // already marked
        }
    }
}
