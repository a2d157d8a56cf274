package dev.persist.core;

import dev.persist.spi.JobManager;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** {@link Backends} over ready-made instances, such as Mockito stand-ins. */
final class TestBackends {
    private TestBackends() {
    }

    /**
     * @param managers the backends, in discovery order
     * @return backends that "construct" them in that order
     */
    static Backends of(JobManager... managers) {
        List<Class<? extends JobManager>> types = Arrays.stream(managers)
                .<Class<? extends JobManager>>map(JobManager::getClass).toList();
        Iterator<JobManager> constructed = List.of(managers).iterator();
        return new Backends(() -> new BackendDiscovery(types, List.of()), type -> constructed.next());
    }
}
