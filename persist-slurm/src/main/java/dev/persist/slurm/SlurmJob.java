package dev.persist.slurm;

import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import java.io.IOException;
import java.util.Optional;

/**
 * One job as {@code squeue} or {@code sacct} reports it, and what that means for Persist.
 *
 * @param id the Slurm job id
 * @param state the state as printed, such as {@code RUNNING} or {@code CANCELLED by 1000}
 * @param reason why it is pending or ended ({@code Priority}, {@code NonZeroExitCode}), or {@code None}
 * @param exitCode its exit code, if it exited
 * @param signal the signal that ended it, if one did
 * @param partition its partition
 * @param timeUsed how long it has run, as Slurm prints it ({@code 1:05})
 * @param timeLimit its time limit, as Slurm prints it ({@code 1:00:00}, {@code UNLIMITED})
 * @param nodes where it runs or ran, or empty
 */
record SlurmJob(String id, String state, String reason, Integer exitCode, Integer signal, String partition,
        String timeUsed, String timeLimit, String nodes) {

    /**
     * The fields {@link #parseSqueue} reads, in squeue's {@code --Format} syntax: each followed by
     * {@code |} and unpadded; the reason last, as the only free text.
     */
    static final String SQUEUE_FORMAT = "JobID:|,State:|,exit_code:|,Partition:|,TimeUsed:|,TimeLimit:|,NodeList:|,Reason:";
    /** The fields {@link #parseSacct} reads, for {@code sacct --parsable2 --format}; the reason last. */
    static final String SACCT_FORMAT = "JobIDRaw,State,ExitCode,Partition,Elapsed,Timelimit,NodeList,Reason";
    private static final int FIELDS = 8;
    /** Pending for this reason, a job never starts: Slurm keeps it until it is cancelled. */
    static final String NEVER_SATISFIED = "DependencyNeverSatisfied";

    /**
     * @param line a line squeue printed with {@link #SQUEUE_FORMAT}
     * @return the job
     * @throws IOException if the line does not have the fields asked for
     */
    static SlurmJob parseSqueue(String line) throws IOException {
        String[] f = fields(line, "squeue");
        // exit_code is a raw wait status: 768 is exit code 3, 9 is signal 9
        Integer status = integer(f[2]);
        Integer exit = status == null || (status & 0x7f) != 0 ? null : (status >> 8) & 0xff;
        Integer signal = status == null || (status & 0x7f) == 0 ? null : status & 0x7f;
        return new SlurmJob(f[0], f[1], f[7], exit, signal, f[3], f[4], f[5], f[6]);
    }

    /**
     * @param line a line {@code sacct --parsable2} printed with {@link #SACCT_FORMAT}
     * @return the job
     * @throws IOException if the line does not have the fields asked for
     */
    static SlurmJob parseSacct(String line) throws IOException {
        String[] f = fields(line, "sacct");
        // ExitCode is exit:signal, such as 3:0 or 0:9
        int colon = f[2].indexOf(':');
        Integer exit = colon < 0 ? integer(f[2]) : integer(f[2].substring(0, colon));
        Integer signal = colon < 0 ? null : integer(f[2].substring(colon + 1));
        if (signal != null && signal == 0) {
            signal = null;
        } else if (signal != null) {
            exit = null;
        }
        return new SlurmJob(f[0], f[1], f[7], exit, signal, f[3], f[4], f[5], f[6]);
    }

    private static String[] fields(String line, String command) throws IOException {
        String[] f = line.split("\\|", FIELDS);
        if (f.length < FIELDS || f[0].isBlank() || f[1].isBlank()) {
            throw new IOException(command + " printed a line Persist cannot read (expected " + FIELDS
                    + " fields separated by '|'): '" + line + "'");
        }
        for (int i = 0; i < FIELDS; i++) {
            f[i] = f[i].strip();
        }
        return f;
    }

    private static Integer integer(String text) {
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return the state, if Persist knows it */
    Optional<SlurmState> slurmState() {
        return SlurmState.parse(state);
    }

    /** @return what this means for the Persist job, with the details in words */
    BackendState backendState() {
        String job = "Slurm job " + id;
        SlurmState known = slurmState().orElse(null);
        if (known == null) {
            // Never call an unknown state the end: the job counts as alive until Slurm forgets it.
            return new BackendState(Phase.ACTIVE, job + " is in state " + state + ", which Persist does not know");
        }
        return switch (known.phase()) {
            case PENDING -> NEVER_SATISFIED.equals(reason)
                    ? new BackendState(Phase.FAILED, "it can never start: its dependency can never be satisfied ("
                            + job + " stays pending until cancelled: scancel " + id + ")")
                    : new BackendState(Phase.PENDING, job + " " + known.words() + reasonInParentheses());
            case ACTIVE -> new BackendState(Phase.ACTIVE, job + " " + known.words() + (nodes.isEmpty() ? "" : " on " + nodes));
            case COMPLETED -> new BackendState(Phase.COMPLETED, job + " completed");
            case FAILED -> new BackendState(Phase.FAILED, known.words() + " (" + job + ": " + summary() + ")");
            case CANCELLED -> new BackendState(Phase.CANCELLED, job + " was cancelled" + byWhom());
            case GONE -> new BackendState(Phase.GONE, job + " " + known.words());
        };
    }

    /** @return e.g. "FAILED, exit code 3, NonZeroExitCode" */
    private String summary() {
        StringBuilder s = new StringBuilder(state);
        if (signal != null) {
            s.append(", signal ").append(signal);
        } else if (exitCode != null && exitCode != 0) {
            s.append(", exit code ").append(exitCode);
        }
        if (!reason.isEmpty() && !reason.equals("None")) {
            s.append(", ").append(reason);
        }
        return s.toString();
    }

    /** sacct says who cancelled a job: {@code CANCELLED by 1000}. */
    private String byWhom() {
        int by = state.indexOf(" by ");
        return by < 0 ? "" : " by uid " + state.substring(by + 4).strip();
    }

    private String reasonInParentheses() {
        return reason.isEmpty() || reason.equals("None") ? "" : " (" + reason + ")";
    }

    /**
     * @return a squeue-like line: id, partition, state and reason, time used and limit, node,
     *     and how it ended if it did
     */
    String describe() {
        StringBuilder s = new StringBuilder("Slurm job ").append(id);
        if (!partition.isEmpty()) {
            s.append(", partition ").append(partition);
        }
        s.append(": ").append(state).append(reasonInParentheses());
        s.append(", ").append(timeUsed.isEmpty() ? "0:00" : timeUsed).append(" of ")
                .append(timeLimit.isEmpty() ? "no limit" : timeLimit);
        if (!nodes.isEmpty()) {
            s.append(", on ").append(nodes);
        }
        SlurmState known = slurmState().orElse(null);
        boolean ended = known != null && known.phase() != Phase.PENDING && known.phase() != Phase.ACTIVE;
        if (ended && signal != null) {
            s.append(", signal ").append(signal);
        } else if (ended && exitCode != null) {
            s.append(", exit code ").append(exitCode);
        }
        return s.toString();
    }
}
