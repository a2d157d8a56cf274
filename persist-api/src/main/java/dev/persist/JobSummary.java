package dev.persist;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job at one moment, as data: what {@link Job#info()} says in words, for programs and for
 * {@code persist list}. Obtain one from {@link Job#summary()}.
 *
 * @param name the job's name
 * @param backend the backend's name, or {@code none} for an {@link JobStatus#EMPTY} job
 * @param status the status
 * @param reason why the job has this status, in words ("exit code 3", "waiting for a free slot"),
 *     or an empty string
 * @param exitCode the exit code of the job's process, or null if it has none (yet, or it was
 *     killed by a signal)
 * @param submitted when the job was submitted, or null for an {@link JobStatus#EMPTY} job
 * @param started when the job started running, or null if it has not started
 * @param ended when the job ended, or null if it has not ended or ended without a trace
 * @param runTime how long the job has run (until {@code ended}, or until the summary was taken),
 *     or null if it has not started
 */
public record JobSummary(String name, String backend, JobStatus status, String reason, Integer exitCode,
        Instant submitted, Instant started, Instant ended, Duration runTime) {

    /** Checks the components that are never null. */
    public JobSummary {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(backend, "backend is null");
        Objects.requireNonNull(status, "status is null");
        Objects.requireNonNull(reason, "reason is null");
    }
}
