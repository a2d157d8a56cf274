package dev.persist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * A persisted job: a handle on a job directory under a Persist home. Obtain one from
 * {@link Persist#persist}, {@link Persist#open} or {@link Persist#list}; any number of handles,
 * in any number of JVMs, may refer to the same job. A handle holds no state of its own: every
 * call reads the job directory (and asks the backend) afresh.
 *
 * <pre>{@code
 * Job<Integer> job = Persist.persist("answer", "local", () -> 6 * 7);
 * job.await();                  // DONE
 * int answer = job.fetch();     // 42
 * job.cleanup();
 * }</pre>
 *
 * <p>As a {@link Future}, {@link #get()} throws {@link java.util.concurrent.ExecutionException}
 * (with a {@link JobFailedException} as its cause) for a failed job and
 * {@link java.util.concurrent.CancellationException} for a cancelled one; {@link #cancel(boolean)}
 * is {@link #cancel()}.
 *
 * @param <T> the type of the job's result
 */
public interface Job<T> extends Future<T> {

    /** @return the job's name, unique under its home */
    String name();

    /** @return the name of the backend running the job, such as {@code local} or {@code slurm} */
    String backend();

    /** @return the job's directory, {@code <home>/jobs/<name>} */
    Path directory();

    /**
     * The job's current status, derived from its directory and, while it has not finished, from
     * its backend. Never starts a process for a local job.
     *
     * @return the current status
     * @throws NoSuchJobException if the job was cleaned up
     */
    JobStatus status();

    /**
     * A human-readable description: status, backend, where it runs (host and pid, or Slurm job
     * id), submit/start/end times, exit code and the reason for a failure.
     *
     * @return several lines of text
     */
    String info();

    /** @return true once the job has reached a terminal status ({@link JobStatus#isTerminal()}) */
    boolean isReady();

    /**
     * Blocks until the job reaches a terminal status. Completion is noticed within about 100 ms
     * through file-system events, without starting processes.
     *
     * @return the terminal status
     * @throws PersistException if the thread is interrupted (its interrupt flag is set again)
     */
    JobStatus await();

    /**
     * Blocks until the job reaches a terminal status or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return the status when the wait ended, terminal unless it timed out
     * @throws PersistException if the thread is interrupted (its interrupt flag is set again)
     */
    JobStatus await(Duration timeout);

    /**
     * Waits for the job and returns its result.
     *
     * @return the task's return value, deserialized in this JVM (for a command job: its exit code)
     * @throws JobFailedException if the job failed or was cancelled; it carries the remote
     *     exception, exit code and reason
     * @throws PersistException if the result cannot be read (corrupted, or its class is missing)
     */
    T fetch();

    /**
     * The job's state as data: status, reason, exit code and times, read together so that they
     * agree with each other.
     *
     * @return a summary of the job as it is now
     * @throws NoSuchJobException if the job was cleaned up
     */
    JobSummary summary();

    /** @return everything the job has written to standard output so far; also while it runs */
    String stdout();

    /** @return everything the job has written to standard error so far; also while it runs */
    String stderr();

    /**
     * Copies the job's standard output to {@code out} as the job writes it, like {@code tail -f},
     * until the job ends; then copies the rest and returns. Output is noticed through file-system
     * events, not by polling, and decoded as UTF-8.
     *
     * <pre>{@code
     * JobStatus end = Persist.open("train").followStdout(System.out);
     * }</pre>
     *
     * @param out where to copy the output, such as {@code System.out} or a {@code StringBuilder}
     * @return the job's terminal status
     * @throws java.io.UncheckedIOException if {@code out} fails (a closed pipe, for example)
     * @throws NoSuchJobException if the job is cleaned up meanwhile
     * @throws PersistException if the thread is interrupted (its interrupt flag is set again)
     */
    JobStatus followStdout(Appendable out);

    /**
     * Copies the job's standard error to {@code out} as the job writes it, until the job ends;
     * see {@link #followStdout(Appendable)}.
     *
     * @param out where to copy the output
     * @return the job's terminal status
     */
    JobStatus followStderr(Appendable out);

    /**
     * Stops the job and every process it started, and marks it cancelled. A queued job never
     * starts. Cancelling a job that already finished changes nothing.
     *
     * @return true if this call stopped the job, false if it had already finished
     */
    boolean cancel();

    /**
     * Deletes the job's directory; its name is free again afterwards.
     *
     * @throws IllegalStateException if the job has not finished: cancel it first
     */
    void cleanup();
}
