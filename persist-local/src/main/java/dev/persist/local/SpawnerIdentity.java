package dev.persist.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which process a home's spawner is, as it records itself in its identity file and as a job handed
 * to it records it in its handle ({@code spawner}): {@code PID/START_TICKS}, its pid and its start
 * time in clock ticks since boot, so that a reused pid is never taken for it.
 *
 * @param pid the spawner's pid
 * @param startTicks its start time in clock ticks since boot
 */
record SpawnerIdentity(long pid, long startTicks) {

    /**
     * @param text {@code PID/START_TICKS}
     * @return the identity it names
     * @throws IllegalArgumentException if it is not two numbers with a slash between them
     */
    static SpawnerIdentity parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not PID/START_TICKS");
        }
        return new SpawnerIdentity(Long.parseLong(text.substring(0, slash)), Long.parseLong(text.substring(slash + 1)));
    }

    /**
     * @param file an identity file
     * @return the identity it holds
     * @throws IOException if it cannot be read or holds something else
     */
    static SpawnerIdentity read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("Invalid spawner identity in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records this identity in a file, atomically, readable by its owner only. */
    void write(Path file) throws IOException {
        LocalFiles.writeAtomically(file, (this + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** @return {@code PID/START_TICKS} */
    @Override
    public String toString() {
        return pid + "/" + startTicks;
    }
}
