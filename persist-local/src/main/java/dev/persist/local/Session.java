package dev.persist.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the {@link LocalSpawner} did with a job, as it records it in the job directory's
 * {@value #FILE}: the session it started ({@code started PID START_TICKS}), or why it could not
 * ({@code failed MESSAGE}). The file is written whole, then renamed into place, so a reader sees
 * all of it or nothing.
 *
 * @param pid the session leader's pid, or -1 if the job could not be started
 * @param startTicks the session leader's start time in clock ticks since boot, or -1
 * @param failure why the job could not be started, or null if it was
 */
record Session(long pid, long startTicks, String failure) {

    /** The file's name in the job directory. */
    static final String FILE = "local.session";

    static Session started(long pid, long startTicks) {
        return new Session(pid, startTicks, null);
    }

    static Session failed(String failure) {
        return new Session(-1, -1, failure.replace('\n', ' '));
    }

    boolean isStarted() {
        return failure == null;
    }

    /**
     * @param file the job's session file
     * @return what it records, or empty if the spawner has not written it yet
     * @throws IOException if it cannot be read or holds something else
     */
    static Optional<Session> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (text.startsWith("failed ")) {
            return Optional.of(failed(text.substring("failed ".length()).strip()));
        }
        String[] fields = text.strip().split(" ");
        try {
            if (fields.length == 3 && fields[0].equals("started")) {
                return Optional.of(started(Long.parseLong(fields[1]), Long.parseLong(fields[2])));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("Invalid " + file + ": '" + text.strip()
                + "'; expected 'started PID START_TICKS' or 'failed MESSAGE'");
    }

    /**
     * Records this session in a job's file, atomically, readable by its owner only.
     *
     * @param file the job's session file
     */
    void write(Path file) throws IOException {
        String text = isStarted() ? "started " + pid + " " + startTicks + "\n" : "failed " + failure + "\n";
        LocalFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
