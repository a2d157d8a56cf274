package dev.persist.spi;

import dev.persist.Jobs;
import java.nio.file.Path;

/**
 * Connects the {@link dev.persist.Persist} facade to its implementation in {@code persist-core},
 * found with {@link java.util.ServiceLoader}. Backends do not implement this; they implement
 * {@link JobManager}.
 */
public interface PersistRuntime {

    /**
     * @param home an absolute, normalized home directory
     * @return the jobs under it
     */
    Jobs jobs(Path home);
}
