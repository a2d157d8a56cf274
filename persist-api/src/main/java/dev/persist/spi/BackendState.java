package dev.persist.spi;

import java.util.Objects;

/**
 * What a backend knows about one job. Core combines it with the markers in the job directory,
 * which take precedence: a backend need not know how a job ended if the job recorded it.
 *
 * @param phase what the backend knows
 * @param detail a short explanation for people (a Slurm reason, "time limit", "node failure"),
 *     or an empty string
 */
public record BackendState(Phase phase, String detail) {

    /** What a backend can know about a job. */
    public enum Phase {
        /** The backend holds the job and has not started it (a pending Slurm job). */
        PENDING,
        /** The job's processes exist; core tells queued from running by the job's own markers. */
        ACTIVE,
        /** The backend saw the job complete successfully. */
        COMPLETED,
        /** The backend saw the job fail; {@code detail} says why. */
        FAILED,
        /** The backend saw the job cancelled. */
        CANCELLED,
        /** The backend has no trace of a live job: it ended, or it was forgotten. */
        GONE
    }

    /** Checks the components. */
    public BackendState {
        Objects.requireNonNull(phase, "phase is null");
        Objects.requireNonNull(detail, "detail is null");
    }

    /**
     * @param phase what the backend knows
     * @return a state without detail
     */
    public static BackendState of(Phase phase) {
        return new BackendState(phase, "");
    }
}
