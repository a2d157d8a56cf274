package dev.persist.core;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Writes jars whose bytes depend only on the names and contents of their entries: entries sorted
 * by name, one fixed timestamp, no compression (so the bytes do not depend on the zlib version
 * either). Packing an unchanged class directory twice gives the same bytes, hence the same hash.
 *
 * <p>A {@code Class-Path} attribute in a manifest is dropped: in a snapshot it would point the
 * runner at live files outside the snapshot. {@link Snapshots} pins the entries it names instead.
 */
final class DeterministicJar {

    /** The time of every entry, local and so independent of the time zone of the JVM that packs. */
    private static final LocalDateTime TIMESTAMP = LocalDateTime.of(2000, 1, 1, 0, 0);
    /** Files up to this size are read once into memory; larger ones twice, for the CRC and the copy. */
    private static final long IN_MEMORY = 1 << 20;

    private DeterministicJar() {
    }

    /** The content of one entry. */
    @FunctionalInterface
    interface Content {
        /** @return a new stream over the entry's bytes */
        InputStream open() throws IOException;
    }

    /**
     * Packs a directory tree, following symbolic links (a link loop is skipped).
     *
     * @param root the directory
     * @param out where the jar goes; not closed
     */
    static void packDirectory(Path root, OutputStream out) throws IOException {
        SortedMap<String, Content> entries = new TreeMap<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    entries.put(name(root, dir) + "/", null);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    entries.put(name(root, file), () -> Files.newInputStream(file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        write(entries, out);
    }

    /**
     * Packs the entries of a jar again, without the {@code Class-Path} attribute of its manifest.
     *
     * @param jar the jar
     * @param out where the new jar goes; not closed
     */
    static void repack(ZipFile jar, OutputStream out) throws IOException {
        SortedMap<String, Content> entries = new TreeMap<>();
        jar.stream().forEach(entry -> entries.put(entry.getName(), entry.isDirectory() ? null : () -> jar.getInputStream(entry)));
        write(entries, out);
    }

    /**
     * @param classes class files by binary name, e.g. {@code REPL.$JShell$12$Box}
     * @param out where the jar goes; not closed
     */
    static void writeClasses(Map<String, byte[]> classes, OutputStream out) throws IOException {
        SortedMap<String, Content> entries = new TreeMap<>();
        classes.forEach((name, bytes) -> entries.put(name.replace('.', '/') + ".class", () -> new ByteArrayInputStream(bytes)));
        write(entries, out);
    }

    private static String name(Path root, Path path) {
        StringBuilder name = new StringBuilder();
        for (Path part : root.relativize(path)) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    private static void write(SortedMap<String, Content> entries, OutputStream out) throws IOException {
        // Buffered: a zip stream writes its headers a byte at a time. Finished and flushed, never
        // closed, so that the caller's stream stays open.
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16));
        zip.setMethod(ZipOutputStream.STORED);
        for (Map.Entry<String, Content> e : entries.entrySet()) {
            ZipEntry entry = new ZipEntry(e.getKey());
            entry.setTimeLocal(TIMESTAMP);
            Content content = e.getValue();
            if (content == null) {
                entry.setSize(0);
                entry.setCrc(new CRC32().getValue());
                zip.putNextEntry(entry);
            } else if (e.getKey().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                writeBytes(zip, entry, withoutClassPath(content));
            } else {
                writeFile(zip, entry, content);
            }
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    private static void writeFile(ZipOutputStream zip, ZipEntry entry, Content content) throws IOException {
        byte[] head;
        try (InputStream in = content.open()) {
            head = in.readNBytes((int) IN_MEMORY + 1);
        }
        if (head.length <= IN_MEMORY) {
            writeBytes(zip, entry, head);
            return;
        }
        CheckedOutputStream sum = new CheckedOutputStream(OutputStream.nullOutputStream(), new CRC32());
        long size;
        try (InputStream in = content.open()) {
            size = in.transferTo(sum);
        }
        entry.setSize(size);
        entry.setCrc(sum.getChecksum().getValue());
        zip.putNextEntry(entry);
        try (InputStream in = content.open()) {
            // A file that changed between the two reads fails the CRC check when the entry is closed.
            in.transferTo(zip);
        }
    }

    private static void writeBytes(ZipOutputStream zip, ZipEntry entry, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setSize(bytes.length);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
    }

    /** The manifest without its {@code Class-Path} attribute; unchanged if it has none or cannot be parsed. */
    private static byte[] withoutClassPath(Content content) throws IOException {
        byte[] original;
        try (InputStream in = content.open()) {
            original = in.readAllBytes();
        }
        Manifest manifest;
        try {
            manifest = new Manifest(new ByteArrayInputStream(original));
        } catch (IOException e) {
            return original; // kept as it is: no Class-Path can be read from it
        }
        if (manifest.getMainAttributes().remove(Attributes.Name.CLASS_PATH) == null) {
            return original;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        manifest.write(bytes);
        return bytes.toByteArray();
    }
}
