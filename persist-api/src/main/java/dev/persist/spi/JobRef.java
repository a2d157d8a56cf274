package dev.persist.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A launched job as a backend sees it: where it lives and the handle the backend returned from
 * {@link JobManager#launch}.
 *
 * @param name the job's name
 * @param directory the job directory
 * @param home the Persist home the job belongs to
 * @param handle what {@link JobManager#launch} returned (a pid, a Slurm job id, ...)
 * @param submitted when the job was submitted
 */
public record JobRef(String name, Path directory, Path home, Map<String, String> handle, Instant submitted) {

    /** Checks the components and makes the handle immutable. */
    public JobRef {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(directory, "directory is null");
        Objects.requireNonNull(home, "home is null");
        handle = Map.copyOf(handle);
        Objects.requireNonNull(submitted, "submitted is null");
    }
}
