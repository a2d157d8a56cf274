package dev.persist;

import java.nio.file.Path;
import java.util.List;

/**
 * The jobs under one Persist home directory. {@link Persist} offers the same operations for the
 * default home; {@link Persist#jobs(Path)} gives an instance for any other.
 *
 * <pre>{@code
 * Jobs jobs = Persist.jobs(Path.of("/scratch/me/persist"));
 * Job<String> job = jobs.persist("greet", "local", () -> "hi");
 * }</pre>
 */
public interface Jobs {

    /** @return the home directory; jobs live in its {@code jobs/} subdirectory */
    Path home();

    /**
     * The backends jobs under this home can run on: those on the class path, then those in the
     * plugin directories the system property {@value Persist#PLUGINS_PROPERTY} names, then those in
     * {@code <home>/plugins/}. Constructs every backend on first use.
     *
     * @return the backends, by name; a name two backends share is listed once, for the one used
     */
    List<BackendInfo> backends();

    /**
     * What went wrong while finding the backends: a plugin that could not be loaded or holds no
     * backend, a backend whose constructor threw, two backends with one name. The other backends
     * work regardless.
     *
     * @return one message per problem, naming the jar or class and what to do; empty if none
     */
    List<String> backendProblems();

    /**
     * Persists a task on a backend with default options. See
     * {@link #persist(String, JobOptions, PersistentTask)}.
     *
     * @param name the job's name
     * @param backend the backend's name, such as {@code local} or {@code slurm}
     * @param task the work
     * @param <T> the result type
     * @return the new job, already started or queued
     */
    <T> Job<T> persist(String name, String backend, PersistentTask<T> task);

    /**
     * Writes the task into a new job directory, starts it in the background on the backend the
     * options name, and returns at once. The job keeps running when this JVM exits.
     *
     * <p>The job runs the code it is given now: the jars and class directories of this JVM's class
     * path are pinned (stored once, by content, under {@code <home>/snapshots/}), so rebuilding or
     * deleting them afterwards does not change the job. A task typed in JShell takes along the
     * classes it uses from the session and the values of the JShell variables it reads.
     *
     * @param name the job's name: 1 to 128 characters of {@code [A-Za-z0-9._-]}, not starting
     *     with {@code .} or {@code -}
     * @param options the backend and resources
     * @param task the work; it and what it captures must be serializable by Persist
     * @param <T> the result type
     * @return the new job, already started or queued
     * @throws IllegalArgumentException for an invalid name, an unknown backend, options the
     *     backend rejects, or a task that cannot be serialized; nothing is left on disk
     * @throws JobExistsException if the name is taken
     * @throws PersistException if the backend could not start the job; nothing is left on disk
     */
    <T> Job<T> persist(String name, JobOptions options, PersistentTask<T> task);

    /**
     * Persists a command instead of a Java task: the backend runs {@code command} directly, with
     * no JVM, in this JVM's working directory and environment. Its exit code is the result; a
     * non-zero exit code makes the job {@link JobStatus#FAILED}.
     *
     * @param name the job's name, as for {@link #persist(String, JobOptions, PersistentTask)}
     * @param options the backend and resources ({@link JobOptions#jvmOptions()} is ignored)
     * @param command the program and its arguments, passed as they are, never through a shell
     * @return the new job, already started or queued
     * @throws IllegalArgumentException for an invalid name, options or an empty command
     * @throws JobExistsException if the name is taken
     */
    Job<Integer> submit(String name, JobOptions options, List<String> command);

    /**
     * Opens an existing job by name.
     *
     * @param name the job's name
     * @return a handle on the job
     * @throws NoSuchJobException if there is no such job
     * @throws IllegalArgumentException if the name is not a valid job name
     */
    Job<?> open(String name);

    /**
     * All jobs under this home, ordered by submission time. Their statuses are fetched in one
     * batch per backend, so listing many jobs costs one scheduler call, not one per job.
     *
     * @return the jobs, possibly empty
     */
    List<Job<?>> list();

    /**
     * Deletes what no job needs any more: the class path snapshots that no job directory uses
     * (each Java job pins the jars and class directories it runs with under
     * {@code <home>/snapshots/}, shared between jobs), files left behind by JVMs that died while
     * submitting, job directories left half-deleted, and the runner's class data archives
     * ({@code <home>/cds/}) whose making job is gone; and, through each backend, what the backend
     * keeps outside job directories and no longer needs (for the local backend, the files of
     * spawners that stopped more than a day ago). {@link Job#cleanup()} already deletes the
     * snapshots only its job used; this catches the rest, for instance after job directories were
     * deleted by hand. Safe to run at any time, also while jobs are being submitted and running:
     * a job keeps its own links to its snapshots.
     *
     * <pre>{@code
     * for (Job<?> job : jobs.list()) {
     *     if (job.isReady()) {
     *         job.cleanup();
     *     }
     * }
     * System.out.println(jobs.gc());   // removed 3 unused class path snapshot(s) (41.2 MB); kept 12 in use (88.0 MB)
     * }</pre>
     *
     * @return what was deleted and what is kept
     * @throws PersistException if the home cannot be read or a file cannot be deleted, or if a
     *     backend cannot collect its garbage (every backend is asked even when one fails; the
     *     message names each that failed)
     */
    GcReport gc();
}
