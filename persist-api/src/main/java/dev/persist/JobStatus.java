package dev.persist;

/**
 * Where a job is in its life. Derived each time from the job's directory and its backend,
 * never stored.
 */
public enum JobStatus {
    /** The job directory exists but holds no submitted job (a submission that never completed). */
    EMPTY,
    /** Submitted and waiting: for a free local slot, or in the Slurm queue. */
    QUEUED,
    /** Running now. */
    RUNNING,
    /** Finished and its result is stored. */
    DONE,
    /** Finished without a result: the task threw, exited, was killed, or hit its time limit. */
    FAILED,
    /** Stopped by {@link Job#cancel()}. */
    CANCELLED;

    /**
     * Whether the job has reached a state it will never leave.
     *
     * @return true for {@link #DONE}, {@link #FAILED} and {@link #CANCELLED}
     */
    public boolean isTerminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
