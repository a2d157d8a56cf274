package dev.persist.local;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stops every process of a session: TERM to each member (and to members that appear later),
 * then, for those still alive after a grace period, KILL. A job's processes stay in its session
 * unless they call setsid themselves, so this also reaches orphans that left the process group
 * (shells with job control, {@code timeout}) and that {@link ProcessHandle#descendants()} misses.
 */
final class SessionKiller {

    private static final long SCAN_MILLIS = 20;
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final ProcessTable processes;

    SessionKiller(ProcessTable processes) {
        this.processes = processes;
    }

    /**
     * @param session the session id (the job's session leader's pid)
     * @param grace how long the members may take to exit after TERM
     * @throws IOException if members are still alive after KILL, or {@code /proc} cannot be read
     */
    void kill(long session, Duration grace) throws IOException {
        if (signalUntilGone(session, false, grace)) {
            return;
        }
        if (!signalUntilGone(session, true, KILL_WAIT)) {
            throw new IOException("Processes of session " + session + " survived SIGKILL for " + KILL_WAIT.toSeconds()
                    + " s (stuck in the kernel, e.g. on a hung file system?): "
                    + processes.sessionMembers(session).stream().map(s -> s.pid() + " (state " + s.state() + ")").toList());
        }
    }

    /** Signals members not yet signalled until none is left or the time is up. */
    private boolean signalUntilGone(long session, boolean force, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        Set<Long> signalled = new HashSet<>();
        while (true) {
            List<ProcessTable.Stat> members = processes.sessionMembers(session);
            members.removeIf(member -> member.pid() == ProcessHandle.current().pid()); // a job cancelling itself
            if (members.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (ProcessTable.Stat member : members) {
                if (signalled.add(member.pid())) {
                    // ProcessHandle checks the start time itself, so a reused pid is not signalled.
                    ProcessHandle.of(member.pid()).ifPresent(p -> {
                        if (force) {
                            p.destroyForcibly();
                        } else {
                            p.destroy();
                        }
                    });
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(SCAN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while stopping session " + session, e);
            }
        }
    }
}
