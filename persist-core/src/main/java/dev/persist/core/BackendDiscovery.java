package dev.persist.core;

import dev.persist.spi.JobManager;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds backend classes with {@link ServiceLoader} without constructing them (the injector does
 * that, when a backend is first needed): on the class path, then in plugin jars and directories.
 * A provider that cannot be loaded, or a plugin without one, is reported; the others still work.
 *
 * @param types the backend classes found, class path first, then plugins in directory order
 * @param problems one message per provider or plugin that could not be used
 */
public record BackendDiscovery(List<Class<? extends JobManager>> types, List<String> problems) {

    private static final String SERVICE_FILE = "META-INF/services/" + JobManager.class.getName();

    /** Makes the lists immutable. */
    public BackendDiscovery {
        types = List.copyOf(types);
        problems = List.copyOf(problems);
    }

    /**
     * @param classpath where to look for {@code META-INF/services/dev.persist.spi.JobManager}
     *     first
     * @param pluginDirectories directories of plugin jars and directories, each loaded with its own
     *     class loader (see {@link Plugins}); missing ones are skipped
     * @return what was found
     */
    public static BackendDiscovery discover(ClassLoader classpath, List<Path> pluginDirectories) {
        List<Class<? extends JobManager>> types = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        find(classpath, "", types, problems);
        for (Plugins.Plugin plugin : Plugins.find(pluginDirectories, problems)) {
            int before = types.size();
            int problemsBefore = problems.size();
            find(plugin.loader(), "Plugin " + plugin.location() + ": ", types, problems);
            if (types.size() == before && problems.size() == problemsBefore) {
                problems.add("Plugin " + plugin.location() + " holds no backend: it has no " + SERVICE_FILE
                        + " naming a class; remove it, or add that file");
            }
        }
        return new BackendDiscovery(types, problems);
    }

    private static void find(ClassLoader loader, String prefix, List<Class<? extends JobManager>> types,
            List<String> problems) {
        Iterator<ServiceLoader.Provider<JobManager>> providers =
                ServiceLoader.load(JobManager.class, loader).stream().iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                Class<? extends JobManager> type = providers.next().type();
                if (Modifier.isAbstract(type.getModifiers())) {
                    problems.add(prefix + "Backend " + type.getName() + " (" + location(type) + ") is abstract; skipped");
                } else if (!types.contains(type)) {
                    types.add(type);
                }
            } catch (ServiceConfigurationError e) {
                problems.add(prefix + "A backend could not be loaded: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            }
        }
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
