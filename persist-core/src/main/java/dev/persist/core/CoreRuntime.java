package dev.persist.core;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.persist.Jobs;
import dev.persist.spi.JobManager;
import dev.persist.spi.PersistRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The implementation behind {@link dev.persist.Persist}, found by {@link java.util.ServiceLoader}.
 * Does as little as it can until asked: backends are discovered and the injector is built only
 * when a job first needs a backend, and Kryo only starts when something is serialized. Library
 * users never see Guice.
 */
public final class CoreRuntime implements PersistRuntime {

    private final Map<Path, Jobs> homes = new ConcurrentHashMap<>();
    private volatile Injector injector;

    /** Called by {@link java.util.ServiceLoader}; does no work until the first call. */
    public CoreRuntime() {
    }

    @Override
    public Jobs jobs(Path home) {
        return homes.computeIfAbsent(home, h -> new JobStore(h,
                new Backends(() -> BackendDiscovery.discover(CoreRuntime.class.getClassLoader(), Plugins.directories(h)),
                        this::construct),
                () -> SharedCodec.CODEC, Clock.systemUTC()));
    }

    /**
     * The codec, made when something is first serialized or read: merely linking {@link KryoCodec}
     * loads Kryo's classes, which reading a finished job's status has no use for.
     */
    private static final class SharedCodec {
        static final KryoCodec CODEC = new KryoCodec();
    }

    /** Constructs a backend in a child injector of its own, so that its errors stay its own. */
    private JobManager construct(Class<? extends JobManager> type) {
        return injector().createChildInjector(new CoreModule.BackendModule(type)).getInstance(type);
    }

    private Injector injector() {
        Injector i = injector;
        if (i == null) {
            synchronized (this) {
                i = injector;
                if (i == null) {
                    i = Guice.createInjector(new CoreModule());
                    injector = i;
                }
            }
        }
        return i;
    }
}
