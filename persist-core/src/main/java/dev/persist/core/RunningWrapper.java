package dev.persist.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a job's wrapper still runs, told by its {@code started} marker alone, so that a running
 * job's status needs no backend (for a command line, constructing one costs more than all the
 * rest). The wrapper writes into the marker its pid, its start time in clock ticks since boot
 * (field 22 of {@code /proc/PID/stat}) and the boot id. A process with that pid and start time on
 * this boot is that very wrapper: a reused pid has a later start time. Anything else (another
 * machine or boot, no {@code /proc}, the empty marker of an older wrapper, a process that is gone,
 * a zombie or stopped) answers "not known to run", and the backend is asked as before.
 */
final class RunningWrapper {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    /** Running, sleeping, waiting for the disk: the states of a live wrapper that is not stopped. */
    private static final String LIVE_STATES = "RSD";

    private RunningWrapper() {
    }

    /**
     * @param dir a job directory
     * @return true if the process its {@code started} marker names runs on this machine now
     */
    static boolean isRunning(JobDir dir) {
        try {
            String[] identity = read(dir.file(JobDir.STARTED)).split(" ");
            if (identity.length != 3 || !identity[2].equals(BootId.VALUE)) {
                return false;
            }
            long pid = Long.parseLong(identity[0]);
            String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
            // fields[0] is then field 3, the state, and fields[19] field 22, the start time.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields.length > 19 && LIVE_STATES.indexOf(fields[0].charAt(0)) >= 0 && fields[19].equals(identity[1]);
        } catch (IOException | RuntimeException e) {
            return false; // no marker or process, or not what the wrapper writes
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1).strip();
    }

    /** This boot's id, read once (it cannot change while the JVM runs); empty if unreadable. */
    private static final class BootId {
        static final String VALUE = readBootId();

        private static String readBootId() {
            try {
                return read(BOOT_ID);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
