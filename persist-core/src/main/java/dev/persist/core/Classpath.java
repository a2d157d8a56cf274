package dev.persist.core;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The class path a Java job's runner gets: this JVM's class path plus the jars of Persist itself,
 * Kryo, and the task's class, in case they were loaded from elsewhere (an application server,
 * {@code exec:java}, a plugin directory).
 *
 * @param path the class path, entries separated by {@link File#pathSeparator}
 * @param fingerprint a hash of every entry's path, size and modification time, so that a job can
 *     tell when the code it was serialized against has changed
 */
record Classpath(String path, String fingerprint) {

    /** Classes whose jars the runner needs; missing ones (optional Kryo parts) are skipped. */
    private static final String[] RUNNER_CLASSES = {
        "dev.persist.PersistentTask", "dev.persist.core.Runner", "com.esotericsoftware.kryo.Kryo",
        "org.objenesis.Objenesis", "com.esotericsoftware.minlog.Log", "com.esotericsoftware.reflectasm.ClassAccess",
    };

    static Classpath forTask(Class<?> taskClass) {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        for (String name : RUNNER_CLASSES) {
            try {
                addLocation(entries, Class.forName(name, false, Classpath.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // an optional library that this Kryo build does not use
            }
        }
        addLocation(entries, taskClass);
        return new Classpath(String.join(File.pathSeparator, entries), fingerprint(entries));
    }

    private static void addLocation(Set<String> entries, Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null && "file".equals(source.getLocation().getProtocol())) {
            try {
                entries.add(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize().toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain file location: nothing the runner could use
            }
        }
    }

    private static String fingerprint(Set<String> entries) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
        for (String entry : entries) {
            String line = entry;
            try {
                BasicFileAttributes attributes = Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                line += " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis();
            } catch (IOException e) {
                line += " missing";
            }
            digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 12);
    }
}
