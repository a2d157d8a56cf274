package dev.persist.local;

import dev.persist.JobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The local queue's files under {@code <home>/local/}: the gate script and the {@code queue/}
 * directory holding waiting tickets and slot locks. No daemon: the locks live in the jobs' own
 * processes.
 */
final class LocalQueue {

    static final String SCRIPT = "queue.sh";
    /** The file and key that set a home's default number of slots. */
    static final String CONFIG = "config.properties";
    static final String SLOTS_KEY = "local.slots";
    private static final int MAX_SLOTS = 1024;
    private static final AtomicLong LAST_TICKET = new AtomicLong();
    /** A ticket's number, zero-padded to sort as text: nanoseconds since 1970 have 19 digits until the year 2286. */
    private static final int TICKET_DIGITS = 21;
    private static final Pattern TICKET = Pattern.compile("[0-9]{" + TICKET_DIGITS + "}-[A-Za-z0-9_][A-Za-z0-9._-]*");

    /** Queue directories whose gate script this JVM has found current. */
    private final Set<Path> checkedScripts = ConcurrentHashMap.newKeySet();
    private volatile byte[] script;

    /**
     * @param home the Persist home
     * @return its queue directory, {@code <home>/local/queue/}
     */
    static Path directory(Path home) {
        return home.resolve("local").resolve("queue");
    }

    /**
     * Creates {@code <home>/local/queue/} (mode 0700) and the current gate script. The script's
     * content is compared once per queue directory and JVM; after that, only its existence.
     *
     * @param home the Persist home
     * @return the queue directory; the script is in it
     */
    Path prepare(Path home) throws IOException {
        Path dir = directory(home);
        Path target = dir.resolve(SCRIPT);
        if (checkedScripts.contains(dir) && Files.isRegularFile(target)) {
            return dir;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // created by a concurrent submission
            }
        }
        byte[] script = script();
        if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), script)) {
            LocalFiles.writeAtomically(target, script);
        }
        checkedScripts.add(dir);
        return dir;
    }

    /** @return the gate script this backend ships, read from its jar once */
    private byte[] script() throws IOException {
        byte[] bytes = script;
        if (bytes == null) {
            try (InputStream in = LocalJobManager.resource(SCRIPT)) {
                bytes = in.readAllBytes();
            }
            script = bytes;
        }
        return bytes;
    }

    /**
     * Takes the job's place in the queue: creates its ticket, empty, in the queue directory. The
     * job's gate script locks it and writes into it once it runs; until then, jobs behind it wait
     * for it. Creating it before the job starts keeps submission order even when a later job's
     * process starts first.
     *
     * @param queueDir the queue directory, from {@link #prepare(Path)}
     * @param name the job's name
     * @return the ticket, which sorts in submission order; {@link #withdraw} it if the job does not start
     */
    String enqueue(Path queueDir, String name) throws IOException {
        String ticket = ticket(name);
        Files.createFile(ticketFile(queueDir, ticket), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return ticket;
    }

    /**
     * Removes the ticket of a job that could not be started.
     *
     * @param queueDir the queue directory
     * @param ticket the ticket from {@link #enqueue}
     */
    void withdraw(Path queueDir, String ticket) throws IOException {
        Files.deleteIfExists(ticketFile(queueDir, ticket));
    }

    /**
     * @param ticket a ticket read back from a job's handle, or null
     * @return the ticket
     * @throws IllegalArgumentException if it is not one {@link #ticket} makes
     */
    static String checkTicket(String ticket) {
        if (ticket != null && !TICKET.matcher(ticket).matches()) {
            throw new IllegalArgumentException("invalid queue ticket '" + ticket + "'");
        }
        return ticket;
    }

    /** @return the file of a ticket: the job waits on it until it takes a slot */
    static Path ticketFile(Path queueDir, String ticket) {
        return queueDir.resolve(ticket + ".wait");
    }

    /**
     * @param name the job's name
     * @return a ticket that sorts in submission order
     */
    String ticket(String name) {
        Instant now = Instant.now();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        // strictly increasing within this JVM even when the clock's resolution is coarse
        String number = Long.toString(LAST_TICKET.updateAndGet(last -> Math.max(last + 1, nanos)));
        // Not String.format, whose parsing of the format showed in persist()'s profile.
        return "0".repeat(TICKET_DIGITS - number.length()) + number + "-" + name;
    }

    /**
     * @param home the Persist home
     * @param options the job's options
     * @return how many jobs may run at once, as this job sees it
     * @throws IOException if the home's configuration is invalid
     */
    int slots(Path home, JobOptions options) throws IOException {
        String option = options.options().get(LocalJobManager.SLOTS);
        if (option != null) {
            return parseSlots(option, "option '" + LocalJobManager.SLOTS + "'");
        }
        Path config = home.resolve(CONFIG);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(config)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return Runtime.getRuntime().availableProcessors();
        }
        String value = properties.getProperty(SLOTS_KEY);
        if (value == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            return parseSlots(value.trim(), "'" + SLOTS_KEY + "' in " + config);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * @param value a slot count
     * @param where where it came from, for the message
     * @return the count
     * @throws IllegalArgumentException if it is not an integer from 1 to 1024
     */
    static int parseSlots(String value, String where) {
        try {
            int slots = Integer.parseInt(value);
            if (slots >= 1 && slots <= MAX_SLOTS) {
                return slots;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid " + where + ": '" + value
                + "'; the number of slots is an integer from 1 to " + MAX_SLOTS);
    }
}
