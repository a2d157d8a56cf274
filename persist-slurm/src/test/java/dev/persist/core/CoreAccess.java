package dev.persist.core;

import dev.persist.Jobs;
import dev.persist.spi.JobManager;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * For persist-slurm's tests: a {@link Jobs} whose Slurm backend is a given instance, so that a
 * test can count the scheduler calls core's {@code list()} and {@code status()} cause. Everything
 * else is core's real implementation.
 */
public final class CoreAccess {

    private CoreAccess() {
    }

    /**
     * @param home the Persist home
     * @param backend the only backend
     * @return the jobs under {@code home}, run by {@code backend}
     */
    public static Jobs jobs(Path home, JobManager backend) {
        return new JobStore(home, new Backends(Set.of(backend), new BackendDiscovery(List.of(), List.of())),
                new KryoCodec(), Clock.systemUTC());
    }
}
