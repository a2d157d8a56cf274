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
import java.util.Optional;
import java.util.Set;

/**
 * The class path a Java job's runner gets, as {@link Snapshots} pins it: this JVM's class path,
 * then the jars of Persist itself and Kryo, then what the task's own class loaders add (JShell's
 * {@code /env --class-path}, an application server, {@code exec:java}, a plugin directory), in the
 * order the JVM searches them.
 */
final class Classpath {

    /** Where each class was loaded from, if from a file; a class's location never changes. */
    private static final ClassValue<Optional<Path>> LOCATION = new ClassValue<>() {
        @Override
        protected Optional<Path> computeValue(Class<?> type) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? Optional.empty() : file(source.getLocation());
        }
    };

    /** The jars (or directories) of the classes the runner needs, in case they were loaded from elsewhere. */
    private static final List<Path> RUNNER = runnerLocations(
            "dev.persist.PersistentTask", "dev.persist.core.Runner", "com.esotericsoftware.kryo.Kryo",
            "org.objenesis.Objenesis", "com.esotericsoftware.minlog.Log", "com.esotericsoftware.reflectasm.ClassAccess");

    /** This JVM's class path then {@link #RUNNER}, as last made; see {@link #base()}. */
    private static volatile Base base;

    private Classpath() {
    }

    /**
     * @param taskClass the class of the task
     * @return the entries, absolute and normalized, without duplicates
     */
    static List<Path> sources(Class<?> taskClass) {
        Set<Path> entries = new LinkedHashSet<>(base());
        List<URLClassLoader> loaders = new ArrayList<>();
        for (ClassLoader l = taskClass.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                loaders.add(u);
            }
        }
        Collections.reverse(loaders); // parents are searched first
        for (URLClassLoader loader : loaders) {
            for (URL url : loader.getURLs()) { // read each time: a loader may add URLs (JShell's /env)
                file(url).ifPresent(entries::add);
            }
        }
        LOCATION.get(taskClass).ifPresent(entries::add);
        return List.copyOf(entries);
    }

    /** This JVM's class path then {@link #RUNNER}, made again only when {@code java.class.path} changes. */
    private static List<Path> base() {
        String classpath = System.getProperty("java.class.path", "");
        Base b = base;
        if (b == null || !b.classpath().equals(classpath)) {
            Set<Path> entries = new LinkedHashSet<>();
            for (String entry : classpath.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(Path.of(entry).toAbsolutePath().normalize());
                }
            }
            entries.addAll(RUNNER);
            b = new Base(classpath, List.copyOf(entries));
            base = b;
        }
        return b.entries();
    }

    /**
     * @param classpath a value of {@code java.class.path}
     * @param entries the entries made of it, then {@link #RUNNER}
     */
    private record Base(String classpath, List<Path> entries) {
    }

    private static List<Path> runnerLocations(String... classNames) {
        Set<Path> locations = new LinkedHashSet<>();
        for (String name : classNames) {
            try {
                LOCATION.get(Class.forName(name, false, Classpath.class.getClassLoader())).ifPresent(locations::add);
            } catch (ClassNotFoundException e) {
                // an optional library that this Kryo build does not use
            }
        }
        return List.copyOf(locations);
    }

    private static Optional<Path> file(URL url) {
        if ("file".equals(url.getProtocol())) {
            try {
                return Optional.of(Path.of(url.toURI()).toAbsolutePath().normalize());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain file location: nothing the runner could use
            }
        }
        return Optional.empty();
    }
}
