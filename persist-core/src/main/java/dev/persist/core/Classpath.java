package dev.persist.core;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path a Java job's runner gets, as {@link Snapshots} pins it: this JVM's class path,
 * then the jars of Persist itself and Kryo, then what the task's own class loaders add (JShell's
 * {@code /env --class-path}, an application server, {@code exec:java}, a plugin directory), in the
 * order the JVM searches them.
 */
final class Classpath {

    /** The jars (or directories) of the classes the runner needs, in case they were loaded from elsewhere. */
    private static final List<Path> RUNNER = runnerLocations(
            "dev.persist.PersistentTask", "dev.persist.core.Runner", "com.esotericsoftware.kryo.Kryo",
            "org.objenesis.Objenesis", "com.esotericsoftware.minlog.Log", "com.esotericsoftware.reflectasm.ClassAccess");

    private Classpath() {
    }

    /**
     * @param taskClass the class of the task
     * @return the entries, absolute and normalized, without duplicates
     */
    static List<Path> sources(Class<?> taskClass) {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        entries.addAll(RUNNER);
        List<URLClassLoader> loaders = new ArrayList<>();
        for (ClassLoader l = taskClass.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                loaders.add(u);
            }
        }
        Collections.reverse(loaders); // parents are searched first
        for (URLClassLoader loader : loaders) {
            for (URL url : loader.getURLs()) {
                addFile(entries, url);
            }
        }
        addLocation(entries, taskClass);
        return List.copyOf(entries);
    }

    private static List<Path> runnerLocations(String... classNames) {
        Set<Path> locations = new LinkedHashSet<>();
        for (String name : classNames) {
            try {
                addLocation(locations, Class.forName(name, false, Classpath.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // an optional library that this Kryo build does not use
            }
        }
        return List.copyOf(locations);
    }

    private static void addLocation(Set<Path> entries, Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            addFile(entries, source.getLocation());
        }
    }

    private static void addFile(Set<Path> entries, URL url) {
        if ("file".equals(url.getProtocol())) {
            try {
                entries.add(Path.of(url.toURI()).toAbsolutePath().normalize());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain file location: nothing the runner could use
            }
        }
    }
}
