package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicJarTest {

    @TempDir
    Path tmp;

    private static final byte[] LARGE = new byte[3 << 20];

    static {
        new Random(7).nextBytes(LARGE);
    }

    /** Writes the same tree, in the given order of files, with the given modification time. */
    private Path tree(String name, List<String> order, Instant modified) throws IOException {
        Path root = tmp.resolve(name);
        for (String file : order) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            switch (file) {
                case "data/large.bin" -> Files.write(path, LARGE);
                case "META-INF/MANIFEST.MF" -> Files.writeString(path,
                        "Manifest-Version: 1.0\nImplementation-Title: app\nClass-Path: /opt/live/lib.jar\n\n");
                default -> Files.writeString(path, "content of " + file);
            }
            Files.setLastModifiedTime(path, FileTime.from(modified));
        }
        return root;
    }

    private static byte[] pack(Path root) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeterministicJar.packDirectory(root, out);
        return out.toByteArray();
    }

    @Test
    void theSameTreeGivesTheSameBytesWhateverItsTimesAndCreationOrder() throws IOException {
        List<String> files = List.of("b/B.class", "a/A.class", "META-INF/MANIFEST.MF", "data/large.bin", "a/z/Z.class");
        List<String> reversed = new ArrayList<>(files);
        Collections.reverse(reversed);
        byte[] first = pack(tree("one", files, Instant.parse("2020-05-01T10:00:00Z")));
        byte[] second = pack(tree("two", reversed, Instant.parse("2024-01-31T23:59:59Z")));

        assertArrayEquals(first, second);
        Files.writeString(tmp.resolve("two/a/A.class"), "content of a/A.clasS");
        assertFalse(Arrays.equals(first, pack(tmp.resolve("two"))), "one changed byte changes the jar");
    }

    @Test
    void entriesAreSortedStoredAndStampedWithOneFixedTime() throws IOException {
        byte[] jar = pack(tree("t", List.of("b/B.class", "a/A.class", "data/large.bin"), Instant.now()));
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                assertEquals(LocalDateTime.of(2000, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
                if (e.getName().equals("data/large.bin")) {
                    assertArrayEquals(LARGE, in.readAllBytes(), "a file read in two passes is copied whole");
                }
            }
        }
        assertEquals(List.of("a/", "a/A.class", "b/", "b/B.class", "data/", "data/large.bin"), names);
    }

    @Test
    void aManifestLosesItsClassPathAndKeepsTheRest() throws IOException {
        byte[] jar = pack(tree("m", List.of("META-INF/MANIFEST.MF", "a/A.class"), Instant.now()));
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Attributes main = in.getManifest().getMainAttributes();
            assertNull(main.getValue(Attributes.Name.CLASS_PATH));
            assertEquals("app", main.getValue(Attributes.Name.IMPLEMENTATION_TITLE));
        }
    }

    @Test
    void aRepackedJarEqualsThePackedDirectoryItWasBuiltFrom() throws IOException {
        Path tree = tree("r", List.of("META-INF/MANIFEST.MF", "a/A.class", "data/large.bin"), Instant.now());
        Path jar = tmp.resolve("in.jar");
        Manifest manifest;
        try (InputStream in = Files.newInputStream(tree.resolve("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) { // deflated, unsorted
            for (String name : List.of("data/", "data/large.bin", "META-INF/", "a/", "a/A.class")) {
                out.putNextEntry(new ZipEntry(name));
                if (!name.endsWith("/")) {
                    out.write(Files.readAllBytes(tree.resolve(name)));
                }
            }
        }
        ByteArrayOutputStream repacked = new ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            DeterministicJar.repack(zip, repacked);
        }
        assertArrayEquals(pack(tree), repacked.toByteArray());
    }
}
