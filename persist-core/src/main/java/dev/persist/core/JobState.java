package dev.persist.core;

import dev.persist.JobStatus;
import dev.persist.spi.BackendState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A job's status with the reason for it, derived from the job directory's markers first and the
 * backend's answer second (DESIGN.md section 3). Never stored.
 *
 * @param status the status
 * @param reason why, in words, for a terminal status other than DONE or a queued job; else empty
 * @param exitCode the job's exit code, if its wrapper recorded one and it was not a signal
 */
public record JobState(JobStatus status, String reason, Integer exitCode) {

    /** How long a job may stay without a backend handle before it counts as a failed submission. */
    static final Duration SUBMISSION_GRACE = Duration.ofSeconds(60);

    private static final String[] SIGNALS = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
        "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"};

    /**
     * The state as far as the job's own markers tell, without asking the backend.
     *
     * @param dir the job directory
     * @param record the job's description
     * @return the terminal state if the wrapper recorded an exit status, else empty; FAILED if
     *     the exit marker is damaged, so that the job can still be listed and cleaned up
     */
    public static Optional<JobState> fromMarkers(JobDir dir, JobRecord record) {
        Optional<Integer> exit;
        try {
            exit = dir.exitStatus();
        } catch (IOException e) {
            return Optional.of(new JobState(JobStatus.FAILED, "the job directory is damaged: " + e.getMessage(), null));
        }
        return exit.map(code -> ended(dir, record, code));
    }

    private static JobState ended(JobDir dir, JobRecord record, int code) {
        boolean hasResult = record.kind() == JobKind.COMMAND || dir.has(JobDir.RESULT);
        if (code == 0 && hasResult) {
            return new JobState(JobStatus.DONE, "", 0);
        }
        Integer exitCode = code > 128 ? null : code;
        if (dir.has(JobDir.CANCEL_REQUESTED)) {
            return new JobState(JobStatus.CANCELLED, "cancelled", exitCode);
        }
        if (dir.has(JobDir.TIME_LIMIT)) {
            return new JobState(JobStatus.FAILED, timeLimitReason(record), exitCode);
        }
        if (dir.has(JobDir.FAILURE)) {
            String summary = failureSummary(dir);
            return new JobState(JobStatus.FAILED,
                    code == Runner.RUNNER_FAILED ? "the job failed: " + summary : "the task threw " + summary, code);
        }
        if (code > 128) {
            return new JobState(JobStatus.FAILED, "killed by signal " + signalName(code - 128), null);
        }
        if (code == 0) {
            return new JobState(JobStatus.FAILED,
                    "the job's JVM exited with code 0 before the task returned (System.exit(0) in the task?)", 0);
        }
        return new JobState(JobStatus.FAILED, "exit code " + code, code);
    }

    /**
     * The state of a job that has not recorded an exit status, given what its backend knows.
     *
     * @param dir the job directory
     * @param record the job's description
     * @param backend the backend's answer, or null if the job has no handle yet
     * @param now the current time
     * @return the state
     */
    public static JobState fromBackend(JobDir dir, JobRecord record, BackendState backend, Instant now) {
        Optional<JobState> marked = fromMarkers(dir, record);
        if (marked.isPresent()) {
            return marked.get(); // the job ended while the backend was being asked
        }
        if (backend == null) {
            if (record.submitted().plus(SUBMISSION_GRACE).isAfter(now)) {
                return new JobState(JobStatus.QUEUED, "being submitted", null);
            }
            return new JobState(JobStatus.FAILED,
                    "the submission did not complete: the submitting process died before the backend started the job", null);
        }
        String detail = backend.detail();
        return switch (backend.phase()) {
            case PENDING -> new JobState(JobStatus.QUEUED, detail, null);
            case ACTIVE -> dir.has(JobDir.STARTED)
                    ? new JobState(JobStatus.RUNNING, "", null)
                    : new JobState(JobStatus.QUEUED, detail.isEmpty() ? "waiting for a free slot" : detail, null);
            case CANCELLED -> new JobState(JobStatus.CANCELLED, "cancelled" + suffix(detail), null);
            case COMPLETED, FAILED, GONE -> lost(dir, record, backend);
        };
    }

    /** The job's processes are gone and it recorded no exit status. */
    private static JobState lost(JobDir dir, JobRecord record, BackendState backend) {
        if (dir.has(JobDir.CANCEL_REQUESTED)) {
            return new JobState(JobStatus.CANCELLED, "cancelled", null);
        }
        if (dir.has(JobDir.TIME_LIMIT)) {
            return new JobState(JobStatus.FAILED, timeLimitReason(record), null);
        }
        if (backend.phase() == BackendState.Phase.FAILED && !backend.detail().isEmpty()) {
            return new JobState(JobStatus.FAILED, backend.detail(), null);
        }
        String how = dir.has(JobDir.TERMINATED) ? "it was terminated (SIGTERM)" : "it was killed";
        return new JobState(JobStatus.FAILED, "lost: " + how + " without recording an exit status "
                + "(killed from outside, out of memory, or the machine rebooted)" + suffix(backend.detail()), null);
    }

    private static String timeLimitReason(JobRecord record) {
        return record.options().timeLimit()
                .map(limit -> "time limit of " + format(limit) + " reached")
                .orElse("time limit reached");
    }

    private static String suffix(String detail) {
        return detail.isEmpty() ? "" : " (" + detail + ")";
    }

    private static String failureSummary(JobDir dir) {
        try {
            String printed = Files.readString(dir.file(JobDir.ERROR_TXT), StandardCharsets.UTF_8);
            int end = printed.indexOf('\n');
            return (end < 0 ? printed : printed.substring(0, end)).strip();
        } catch (IOException e) {
            return "an exception (" + JobDir.ERROR_TXT + " is unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * @param signal a signal number
     * @return e.g. "9 (KILL)"
     */
    static String signalName(int signal) {
        return signal > 0 && signal < SIGNALS.length ? signal + " (" + SIGNALS[signal] + ")" : String.valueOf(signal);
    }

    /**
     * @param d a duration
     * @return it in the largest sensible unit, e.g. "90 s", "2 h 5 min"
     */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }
}
