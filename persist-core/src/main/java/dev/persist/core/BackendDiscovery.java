package dev.persist.core;

import dev.persist.spi.JobManager;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Finds backend classes through {@code META-INF/services/dev.persist.spi.JobManager}, as
 * {@link java.util.ServiceLoader} does, without constructing them (the injector does that, when a backend is
 * first needed): on the class path, then in plugin jars and directories.
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

    /**
     * Reads the service files the loader sees and loads the classes they name, without
     * constructing them. {@link java.util.ServiceLoader} would insist on a public no-argument constructor,
     * which rules out backends whose constructor is {@code @Inject}-annotated; the file format and
     * the rules are the same.
     */
    private static void find(ClassLoader loader, String prefix, List<Class<? extends JobManager>> types,
            List<String> problems) {
        Enumeration<URL> files;
        try {
            files = loader.getResources(SERVICE_FILE);
        } catch (IOException e) {
            problems.add(prefix + "Cannot look for " + SERVICE_FILE + ": " + e);
            return;
        }
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            List<String> names;
            try (InputStream in = file.openStream()) {
                names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();
            } catch (IOException e) {
                problems.add(prefix + "Cannot read " + file + ": " + e);
                continue;
            }
            for (String name : names) {
                Class<?> type;
                try {
                    type = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    problems.add(prefix + "Backend " + name + ", listed in " + file + ", cannot be loaded: " + e);
                    continue;
                }
                if (!JobManager.class.isAssignableFrom(type)) {
                    problems.add(prefix + "Backend " + name + ", listed in " + file + ", does not implement "
                            + JobManager.class.getName() + "; skipped");
                } else if (Modifier.isAbstract(type.getModifiers())) {
                    problems.add(prefix + "Backend " + name + " (" + location(type) + ") is abstract; skipped");
                } else if (!types.contains(type)) {
                    types.add(type.asSubclass(JobManager.class));
                }
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
