package dev.persist.core;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.persist.spi.JobManager;
import java.time.Clock;
import java.util.Objects;

/**
 * What core offers backends' constructors. Strict: every binding is explicit and circular
 * dependencies are errors, so a backend's missing dependency fails with Guice's message instead
 * of being guessed. Each backend is then bound in a child injector of its own
 * ({@link BackendModule}), so that one backend's broken wiring cannot stop the others.
 */
final class CoreModule extends AbstractModule {

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        bind(Clock.class).toInstance(Clock.systemUTC());
    }

    /** Binds one backend class. */
    static final class BackendModule extends AbstractModule {
        private final Class<? extends JobManager> type;

        BackendModule(Class<? extends JobManager> type) {
            this.type = Objects.requireNonNull(type, "type is null");
        }

        @Override
        protected void configure() {
            binder().requireExplicitBindings();
            bind(type).in(Scopes.SINGLETON);
        }
    }
}
