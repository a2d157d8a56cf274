package dev.persist.core;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.persist.Jobs;
import dev.persist.spi.PersistRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@link dev.persist.Persist}, found by {@link java.util.ServiceLoader}.
 * Builds the injector on first use; library users never see Guice.
 */
public final class CoreRuntime implements PersistRuntime {

    private final Map<Path, Jobs> homes = new ConcurrentHashMap<>();
    private volatile Injector injector;

    /** Called by {@link java.util.ServiceLoader}; does no work until the first call. */
    public CoreRuntime() {
    }

    @Override
    public Jobs jobs(Path home) {
        return homes.computeIfAbsent(home, h -> {
            Injector i = injector();
            return new JobStore(h, i.getInstance(Backends.class), i.getInstance(KryoCodec.class),
                    i.getInstance(Clock.class));
        });
    }

    private Injector injector() {
        Injector i = injector;
        if (i == null) {
            synchronized (this) {
                i = injector;
                if (i == null) {
                    BackendDiscovery discovery = BackendDiscovery.discover(CoreRuntime.class.getClassLoader());
                    i = Guice.createInjector(new CoreModule(discovery));
                    for (String problem : i.getInstance(Backends.class).problems()) {
                        LoggerFactory.getLogger(CoreRuntime.class).warn(problem);
                    }
                    injector = i;
                }
            }
        }
        return i;
    }
}
