package dev.persist.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Linux's process table from {@code /proc}, without starting processes. A process is
 * identified by its pid together with its start time in clock ticks since boot (field 22 of
 * {@code /proc/PID/stat}) and the boot id, so that a reused pid is never mistaken for the job.
 */
final class ProcessTable {

    private static final Path PROC = Path.of("/proc");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    private final Path proc;
    private final Path bootIdFile;
    private final Path hostNameFile;
    private volatile String bootId;

    ProcessTable() {
        this(PROC, BOOT_ID, HOST_NAME);
    }

    ProcessTable(Path proc, Path bootIdFile, Path hostNameFile) {
        this.proc = proc;
        this.bootIdFile = bootIdFile;
        this.hostNameFile = hostNameFile;
    }

    /**
     * One line of {@code /proc/PID/stat}.
     *
     * @param pid the process id
     * @param state the state letter (R, S, D, Z, T, ...)
     * @param processGroup the process group id
     * @param session the session id
     * @param startTicks when it started, in clock ticks since boot
     */
    record Stat(long pid, char state, long processGroup, long session, long startTicks) {
        boolean isZombie() {
            return state == 'Z' || state == 'X';
        }
    }

    /** @return this machine's host name, as the kernel has it (no name service lookup) */
    String hostName() throws IOException {
        return Files.readString(hostNameFile, StandardCharsets.US_ASCII).trim();
    }

    /** @return this boot's id; it changes when the machine reboots, which ends this JVM, so it is read once */
    String bootId() throws IOException {
        String id = bootId;
        if (id == null) {
            id = Files.readString(bootIdFile, StandardCharsets.US_ASCII).trim();
            bootId = id;
        }
        return id;
    }

    /**
     * @param pid a process id
     * @return its stat line, or empty if there is no such process
     */
    Optional<Stat> stat(long pid) {
        try {
            return Optional.of(parse(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // no such process, or it exited while it was being read
        }
    }

    /**
     * Whether a process still exists, is the same process (same start time) and is not a zombie.
     *
     * @param pid a process id
     * @param startTicks its recorded start time
     * @return true if that very process is alive
     */
    boolean isAlive(long pid, long startTicks) {
        return stat(pid).filter(s -> s.startTicks() == startTicks && !s.isZombie()).isPresent();
    }

    /**
     * @param session a session id
     * @return the live (not zombie) processes of that session
     */
    List<Stat> sessionMembers(long session) throws IOException {
        List<Stat> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, ProcessTable::isPid)) {
            for (Path entry : entries) {
                stat(Long.parseLong(entry.getFileName().toString()))
                        .filter(s -> s.session() == session && !s.isZombie())
                        .ifPresent(members::add);
            }
        }
        return members;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /**
     * Parses a stat line. The command name (field 2) is in parentheses and may itself contain
     * spaces and parentheses, so fields are counted from the last ')'.
     */
    static Stat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= line.length()) {
            throw new IllegalArgumentException("Not a /proc/PID/stat line: " + line);
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] fields = line.substring(close + 2).trim().split(" ");
        // fields[0] is field 3 (state); field N is fields[N - 3]
        if (fields.length < 20) {
            throw new IllegalArgumentException("Truncated /proc/PID/stat line: " + line);
        }
        return new Stat(pid, fields[0].charAt(0), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                Long.parseLong(fields[19]));
    }
}
