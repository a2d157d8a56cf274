package dev.persist;

import dev.persist.spi.PersistRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The entry point: persist work as a job, open jobs by name, list them.
 *
 * <pre>{@code
 * Job<List<Integer>> job = Persist.persist("hello", "local", () -> {
 *     Thread.sleep(10_000);
 *     System.out.println("Hello, World!");
 *     return List.of(42);
 * });
 * // ... later, in any JVM:
 * Job<?> again = Persist.open("hello");
 * again.await();
 * System.out.println(again.fetch());   // [42]
 * }</pre>
 *
 * <p>Jobs live under the home directory given by {@link #home()}. Needs {@code persist-core} and
 * at least one backend (such as {@code persist-local}) on the class path.
 */
public final class Persist {

    /** The system property naming the home directory. */
    public static final String HOME_PROPERTY = "persist.home";
    /** The environment variable naming the home directory, used when the property is unset. */
    public static final String HOME_ENVIRONMENT = "PERSIST_HOME";
    /**
     * The system property naming more plugin directories, separated by the path separator
     * ({@code :}); backend jars in them are loaded like those in {@code <home>/plugins/}. The
     * {@code persist} command sets it to its distribution's {@code plugins/} directory.
     */
    public static final String PLUGINS_PROPERTY = "persist.plugins";

    private Persist() {
    }

    /**
     * The default home directory: the system property {@value #HOME_PROPERTY}, else the
     * environment variable {@value #HOME_ENVIRONMENT}, else {@code ~/.persist}. Read on every call.
     *
     * @return the home directory, absolute
     */
    public static Path home() {
        String property = System.getProperty(HOME_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        String environment = System.getenv(HOME_ENVIRONMENT);
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".persist").toAbsolutePath().normalize();
    }

    /**
     * The jobs under the default {@link #home()}.
     *
     * @return the jobs of the default home
     */
    public static Jobs jobs() {
        return jobs(home());
    }

    /**
     * The jobs under an explicit home directory, with the same operations as this class.
     *
     * @param home the home directory; created (mode 0700) on the first persist
     * @return the jobs of that home
     */
    public static Jobs jobs(Path home) {
        Objects.requireNonNull(home, "home is null");
        return RuntimeHolder.RUNTIME.jobs(home.toAbsolutePath().normalize());
    }

    /**
     * Persists a task under the default home; see {@link Jobs#persist(String, JobOptions, PersistentTask)}.
     *
     * @param name the job's name
     * @param backend the backend's name, such as {@code local} or {@code slurm}
     * @param task the work
     * @param <T> the result type
     * @return the new job, already started or queued
     */
    public static <T> Job<T> persist(String name, String backend, PersistentTask<T> task) {
        return jobs().persist(name, backend, task);
    }

    /**
     * Persists a task under the default home; see {@link Jobs#persist(String, JobOptions, PersistentTask)}.
     *
     * @param name the job's name
     * @param options the backend and resources
     * @param task the work
     * @param <T> the result type
     * @return the new job, already started or queued
     */
    public static <T> Job<T> persist(String name, JobOptions options, PersistentTask<T> task) {
        return jobs().persist(name, options, task);
    }

    /**
     * Opens a job under the default home by name; see {@link Jobs#open(String)}.
     *
     * @param name the job's name
     * @return a handle on the job
     * @throws NoSuchJobException if there is no such job
     */
    public static Job<?> open(String name) {
        return jobs().open(name);
    }

    /**
     * Lists the jobs under the default home; see {@link Jobs#list()}.
     *
     * @return the jobs, ordered by submission time
     */
    public static List<Job<?>> list() {
        return jobs().list();
    }

    /** Finds the runtime on first use, so that merely loading this class costs nothing. */
    private static final class RuntimeHolder {
        static final PersistRuntime RUNTIME = load();

        private static PersistRuntime load() {
            try {
                return ServiceLoader.load(PersistRuntime.class, Persist.class.getClassLoader())
                        .findFirst()
                        .orElseThrow(() -> new PersistException(
                                "persist-core is not on the class path: add the dev.persist:persist-core "
                                        + "dependency (and a backend such as persist-local)"));
            } catch (ServiceConfigurationError e) {
                throw new PersistException("persist-core could not be loaded: " + e.getMessage(), e);
            }
        }
    }
}
