package dev.persist.core;

import dev.persist.Persist;
import dev.persist.PersistException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Backend jars and directories dropped into plugin directories. Each plugin gets its own class
 * loader whose parent exposes only the JDK and Persist's API and SPI, so a plugin cannot depend on
 * Persist's internals (or the libraries they use), and plugins cannot see each other.
 */
final class Plugins {

    /** The plugin directory under a Persist home. */
    static final String DIRECTORY = "plugins";

    /**
     * What a plugin's classes see of Persist: the API and SPI, and {@code jakarta.inject} so that
     * an {@code @Inject} constructor carries the annotation Persist's injector looks for.
     */
    private static final Set<String> SHARED_PACKAGES = Set.of("dev.persist", "dev.persist.spi", "jakarta.inject");

    /**
     * @param location the jar or directory
     * @param loader the class loader over it
     */
    record Plugin(Path location, ClassLoader loader) {
    }

    private Plugins() {
    }

    /**
     * @param home a Persist home
     * @return the directories named by {@value Persist#PLUGINS_PROPERTY}, then {@code <home>/plugins}
     */
    static List<Path> directories(Path home) {
        List<Path> directories = new ArrayList<>();
        String property = System.getProperty(Persist.PLUGINS_PROPERTY, "");
        for (String entry : property.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                directories.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        directories.add(home.resolve(DIRECTORY));
        return directories;
    }

    /**
     * Finds the plugins in the directories: every {@code *.jar} file and every subdirectory, in
     * name order. Missing directories are skipped; a directory or plugin that another user could
     * have written is refused, with a problem saying so.
     *
     * @param directories where to look
     * @param problems receives one message per plugin or directory that was refused
     * @return the plugins, each with its own class loader
     */
    static List<Plugin> find(List<Path> directories, List<String> problems) {
        ClassLoader shared = new SharedApiLoader(Plugins.class.getClassLoader());
        List<Plugin> plugins = new ArrayList<>();
        for (Path directory : directories) {
            List<Path> entries = new ArrayList<>();
            try {
                if (!Files.isDirectory(directory)) {
                    continue;
                }
                SecureFiles.checkTrusted(directory, "the plugin directory");
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                    for (Path entry : stream) {
                        String name = entry.getFileName().toString();
                        if (!name.startsWith(".") && (name.endsWith(".jar") || Files.isDirectory(entry))) {
                            entries.add(entry);
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                continue;
            } catch (PersistException e) {
                problems.add(e.getMessage() + "; its plugins are skipped");
                continue;
            } catch (IOException e) {
                problems.add("Cannot read the plugin directory " + directory + ": " + e + "; its plugins are skipped");
                continue;
            }
            entries.sort(null);
            for (Path entry : entries) {
                try {
                    SecureFiles.checkTrusted(entry, "the plugin");
                    plugins.add(new Plugin(entry, new URLClassLoader("persist-plugin " + entry.getFileName(),
                            new URL[] {url(entry)}, shared)));
                } catch (PersistException e) {
                    problems.add(e.getMessage() + "; it is skipped");
                } catch (IOException e) {
                    problems.add("Cannot read the plugin " + entry + ": " + e + "; it is skipped");
                }
            }
        }
        return plugins;
    }

    private static URL url(Path entry) throws MalformedURLException {
        // A directory's URL must end with '/' for the class loader to read classes from it.
        String uri = entry.toUri().toString();
        return new URL(Files.isDirectory(entry) && !uri.endsWith("/") ? uri + "/" : uri);
    }

    /**
     * The parent of every plugin loader: loads the {@link #SHARED_PACKAGES} from Persist's own
     * loader and everything else from the JDK's platform loader. It offers no resources of its
     * own, so a plugin's {@code ServiceLoader} sees only the plugin's service files.
     */
    static final class SharedApiLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final ClassLoader persist;

        SharedApiLoader(ClassLoader persist) {
            super("persist-plugin-parent", ClassLoader.getPlatformClassLoader());
            this.persist = persist;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            int dot = name.lastIndexOf('.');
            if (dot > 0 && SHARED_PACKAGES.contains(name.substring(0, dot))) {
                return persist.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
