package dev.persist.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Remembers the snapshot of each class path entry by path and stamp (size, modification time and
 * inode of a jar; of every file in a class directory), so that an unchanged entry is neither
 * hashed nor copied again: in memory, and in {@code <home>/snapshots/cache.json} for the next JVM.
 * Only a cache: a lost or unreadable file costs time, never correctness, since every hit is checked
 * against the snapshot it names.
 */
final class SnapshotCache {

    static final String FILE = "cache.json";
    /** Beyond this many entries, the oldest are forgotten. */
    private static final int LIMIT = 10_000;

    private final Path file;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private volatile boolean changed;

    /**
     * What is known about one class path entry.
     *
     * @param stamp the entry's stamp when it was pinned
     * @param sha256 the hash of its snapshot
     * @param size the size of its snapshot
     * @param classPath the entries its manifest's {@code Class-Path} names, absolute
     */
    record Known(String stamp, String sha256, long size, List<Path> classPath) {
        Known {
            classPath = List.copyOf(classPath);
        }
    }

    SnapshotCache(Path file) {
        this.file = file;
    }

    /** @return what is known about the source if its stamp is still the same, else null */
    Known get(Path source, String stamp) {
        load();
        Known k = known.get(source.toString());
        return k != null && k.stamp().equals(stamp) ? k : null;
    }

    void put(Path source, Known k) {
        known.put(source.toString(), k);
        changed = true;
    }

    /**
     * Writes what is known, merged with what other JVMs wrote meanwhile, keeping only entries
     * whose snapshot still exists.
     */
    synchronized void save(Predicate<String> snapshotExists) {
        if (!changed) {
            return;
        }
        changed = false;
        Map<String, Known> merged = new LinkedHashMap<>(read());
        merged.putAll(known);
        merged.values().removeIf(k -> !snapshotExists.test(k.sha256()));
        while (merged.size() > LIMIT) {
            merged.remove(merged.keySet().iterator().next());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        merged.forEach((source, k) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stamp", k.stamp());
            entry.put("sha256", k.sha256());
            entry.put("size", k.size());
            entry.put("classPath", k.classPath().stream().map(Path::toString).toList());
            json.put(source, entry);
        });
        try {
            SecureFiles.writeAtomically(file, Json.write(Map.of("format", 1L, "entries", json)).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LoggerFactory.getLogger(SnapshotCache.class).warn("Could not save the snapshot cache {}: {}", file, e.toString());
        }
    }

    private void load() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    read().forEach(known::putIfAbsent);
                    loaded = true;
                }
            }
        }
    }

    private Map<String, Known> read() {
        Map<String, Known> result = new LinkedHashMap<>();
        try {
            Object json = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (json instanceof Map<?, ?> top && top.get("entries") instanceof Map<?, ?> entries) {
                entries.forEach((source, value) -> {
                    if (value instanceof Map<?, ?> e && e.get("stamp") instanceof String stamp
                            && e.get("sha256") instanceof String sha && Snapshots.isHash(sha)
                            && e.get("size") instanceof Long size && e.get("classPath") instanceof List<?> cp
                            && cp.stream().allMatch(String.class::isInstance)) {
                        result.put((String) source, new Known(stamp, sha, size, cp.stream().map(s -> Path.of((String) s)).toList()));
                    }
                });
            }
        } catch (NoSuchFileException e) {
            // nothing pinned yet
        } catch (IOException | IllegalArgumentException e) {
            LoggerFactory.getLogger(SnapshotCache.class).debug("Ignoring the snapshot cache {}: {}", file, e.toString());
        }
        return result;
    }
}
