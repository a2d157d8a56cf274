package dev.persist.spi;

import dev.persist.JobOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A backend: something that runs prepared job directories, such as local processes or a batch
 * scheduler. Everything else (serialization, the directory layout, markers, status rules, waiting)
 * belongs to Persist's core, so a backend is small.
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.persist.spi.JobManager}) and constructed by core's injector: give
 * the class a public no-argument constructor, or one annotated with {@code jakarta.inject.Inject}
 * (it may take a {@link java.time.Clock}). Constructors must be cheap and free of side effects (do
 * not probe for programs there). Annotate the class with {@link BackendName} so that it is
 * constructed only when a job or call needs a backend of its name; a backend without it is
 * constructed whenever any backend is first needed. A constructor that throws disables that
 * backend only; the message names it.
 *
 * <p>A backend that is not on the class path can be dropped in as a jar (or a directory of
 * classes) in {@code <home>/plugins/}. Each plugin gets its own class loader, which sees the
 * plugin's own classes, the JDK, and of Persist only {@code dev.persist}, {@code dev.persist.spi}
 * and {@code jakarta.inject} (so that Persist's injector recognises its {@code @Inject}); put any
 * library the backend needs into the plugin jar itself.
 *
 * <p>Methods added in later versions will have default implementations, so backends written
 * against this version keep working.
 */
public interface JobManager {

    /**
     * @return the backend's name, as users pass it ({@code local}, {@code slurm}): lower case,
     *     unique among the backends on the class path
     */
    String id();

    /** @return the backend's version, by default its jar's {@code Implementation-Version} */
    default String version() {
        String version = getClass().getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /**
     * Rejects options this backend cannot honour, before anything is written to disk.
     *
     * @param options the options a job is being persisted with
     * @throws IllegalArgumentException naming the option and what is allowed
     */
    default void validate(JobOptions options) {
    }

    /**
     * Starts a prepared job in the background and returns at once. The job must survive the
     * submitting JVM's exit and the loss of its terminal.
     *
     * @param request the prepared job
     * @return the handle to store with the job, passed back in every {@link JobRef}
     * @throws IOException if the job could not be started; the message is shown to the user
     */
    Map<String, String> launch(LaunchRequest request) throws IOException;

    /**
     * What the backend knows about a batch of jobs, in as few calls to the scheduler as possible
     * (one, for a batch scheduler). Must not start a process per job.
     *
     * @param jobs launched jobs of this backend that have not recorded their end
     * @return a state for each job, by job name; a missing job counts as {@link BackendState.Phase#GONE}
     * @throws IOException if the scheduler could not be asked
     */
    Map<String, BackendState> query(List<JobRef> jobs) throws IOException;

    /**
     * Describes where and how the job runs, for {@link dev.persist.Job#info()}: host and pid, or a
     * scheduler's view of the job.
     *
     * @param job a launched job
     * @return one or a few lines of text
     * @throws IOException if the scheduler could not be asked
     */
    String describe(JobRef job) throws IOException;

    /**
     * Stops the job and everything it started. Core has already recorded the request in the job
     * directory. Returns once the job's processes are gone or the scheduler has accepted the
     * request.
     *
     * @param job a launched job
     * @throws IOException if the job could not be stopped
     */
    void cancel(JobRef job) throws IOException;

    /**
     * Deletes what this backend keeps under a home, outside job directories, that nothing needs
     * any more; {@link dev.persist.Jobs#gc()} calls it for every backend. It may run while jobs are
     * being submitted and running, from several JVMs at once. The default does nothing.
     *
     * @param home the Persist home
     * @throws IOException if the backend's files cannot be read or deleted
     */
    default void collectGarbage(Path home) throws IOException {
    }
}
