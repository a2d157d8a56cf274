package dev.persist.core;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import dev.persist.spi.JobManager;
import java.time.Clock;

/**
 * Wires core and the discovered backends. Strict: every binding is explicit and circular
 * dependencies are errors, so a backend's missing dependency fails at startup with Guice's
 * message instead of being guessed.
 */
final class CoreModule extends AbstractModule {

    private final BackendDiscovery discovery;

    CoreModule(BackendDiscovery discovery) {
        this.discovery = discovery;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();

        bind(BackendDiscovery.class).toInstance(discovery);
        bind(Clock.class).toInstance(Clock.systemUTC());
        bind(KryoCodec.class).in(Scopes.SINGLETON);
        bind(Backends.class).in(Scopes.SINGLETON);

        Multibinder<JobManager> managers = Multibinder.newSetBinder(binder(), JobManager.class);
        for (Class<? extends JobManager> type : discovery.types()) {
            bind(type).in(Scopes.SINGLETON);
            managers.addBinding().to(type);
        }
    }
}
