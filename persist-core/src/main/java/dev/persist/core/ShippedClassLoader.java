package dev.persist.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Defines the classes a task brought along from JShell ({@link JobDir#JSHELL_CLASSES}) from their
 * bytes, unless its parent has every one of them with the very same bytes (the JShell session that
 * submitted the job, unchanged since): JShell names its classes {@code REPL.$JShell$12$Box} in
 * every session, so another session's class of that name is another class. All or none, since a
 * class and its nest host must come from one loader. Everything else comes from the parent. Like
 * JShell's own loader, it hands out the bytes of its classes as resources, so a task it runs can
 * persist JShell code in turn.
 */
final class ShippedClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;
    private volatile String firstDefined;

    /**
     * @param classes class files by binary name
     * @param parent where every other class comes from
     */
    ShippedClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
        super("persist-jshell-classes", parent);
        this.classes = parentHasAll(classes, parent) ? Map.of() : Map.copyOf(classes);
    }

    private static boolean parentHasAll(Map<String, byte[]> classes, ClassLoader parent) {
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            try (InputStream in = parent.getResourceAsStream(c.getKey().replace('.', '/') + ".class")) {
                if (in == null || !Arrays.equals(in.readAllBytes(), c.getValue())) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param jar a jar written by {@link TaskPayload#writeTo}
     * @return its class files by binary name
     */
    static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    /** @return the first class this loader defined, or null if it defined none */
    String firstDefined() {
        return firstDefined;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                type = defineClass(name, bytes, 0, bytes.length);
                if (firstDefined == null) {
                    firstDefined = name;
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        if (name.endsWith(".class")) {
            byte[] bytes = classes.get(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
            if (bytes != null) {
                return new ByteArrayInputStream(bytes);
            }
        }
        return super.getResourceAsStream(name);
    }
}
