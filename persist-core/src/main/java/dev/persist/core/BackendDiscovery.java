package dev.persist.core;

import dev.persist.spi.JobManager;
import java.lang.reflect.Modifier;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds backend classes with {@link ServiceLoader} without constructing them (the injector does
 * that). A provider that cannot be loaded is reported and skipped; the others still work.
 *
 * @param types the backend classes found, in class path order
 * @param problems one message per provider that could not be loaded
 */
public record BackendDiscovery(List<Class<? extends JobManager>> types, List<String> problems) {

    /** Makes the lists immutable. */
    public BackendDiscovery {
        types = List.copyOf(types);
        problems = List.copyOf(problems);
    }

    /**
     * @param loader where to look for {@code META-INF/services/dev.persist.spi.JobManager}
     * @return what was found
     */
    public static BackendDiscovery discover(ClassLoader loader) {
        List<Class<? extends JobManager>> types = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Iterator<ServiceLoader.Provider<JobManager>> providers =
                ServiceLoader.load(JobManager.class, loader).stream().iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                Class<? extends JobManager> type = providers.next().type();
                if (Modifier.isAbstract(type.getModifiers())) {
                    problems.add("Backend " + type.getName() + " (" + location(type) + ") is abstract; skipped");
                } else if (!types.contains(type)) {
                    types.add(type);
                }
            } catch (ServiceConfigurationError e) {
                problems.add("A backend could not be loaded: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            }
        }
        return new BackendDiscovery(types, problems);
    }

    /**
     * @param type a class
     * @return the jar or directory it was loaded from, or "unknown location"
     */
    public static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "unknown location" : source.getLocation().getPath();
    }
}
