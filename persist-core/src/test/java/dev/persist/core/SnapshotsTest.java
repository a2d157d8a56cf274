package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning class path entries into the content-addressed store, without jobs or backends. */
class SnapshotsTest {

    @TempDir
    Path tmp;

    Path home;
    Path classes;
    Path jar;
    Snapshots snapshots;
    int pins;

    @BeforeEach
    void createEntries() throws IOException {
        home = tmp.resolve("home");
        classes = tmp.resolve("app/target/classes");
        Files.createDirectories(classes.resolve("app"));
        Files.writeString(classes.resolve("app/Main.class"), "main v1");
        Files.writeString(classes.resolve("app/config.properties"), "a=1");
        jar = jar(tmp.resolve("lib/library.jar"), null, "lib/Lib.class");
        snapshots = new Snapshots(home);
    }

    /** Writes a jar with the given entries and, if not null, a Class-Path manifest attribute. */
    static Path jar(Path file, String classPath, String... entries) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            for (String entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                out.write(("bytes of " + entry).getBytes());
            }
        }
        return file;
    }

    private PinnedClasspath pin(Path... sources) throws IOException {
        return snapshots.pin(List.of(sources), Files.createDirectory(tmp.resolve("job-" + ++pins)).resolve(JobDir.CLASSPATH));
    }

    private Path jobDirectory() throws IOException {
        return Files.createDirectories(home.resolve("jobs").resolve("j"));
    }

    private Path snapshot(PinnedClasspath.Entry entry) {
        return home.resolve("snapshots").resolve(entry.fileName());
    }

    private static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(Snapshots.sha256().digest(Files.readAllBytes(file)));
    }

    @Test
    void aJarIsCopiedAClassDirectoryPackedAndBothLinkedIntoTheJob() throws IOException {
        PinnedClasspath pinned = pin(classes, jar);

        assertEquals(List.of(classes.toString(), jar.toString()), pinned.entries().stream().map(PinnedClasspath.Entry::source).toList());
        PinnedClasspath.Entry library = pinned.entries().get(1);
        assertEquals(sha256(jar), library.sha256(), "a jar is stored as it is");
        try (JarFile packed = new JarFile(snapshot(pinned.entries().get(0)).toFile())) {
            assertEquals("main v1", new String(packed.getInputStream(packed.getEntry("app/Main.class")).readAllBytes()));
        }
        for (PinnedClasspath.Entry e : pinned.entries()) {
            Path link = e.link(tmp.resolve("job-1"));
            assertTrue(Files.isSameFile(snapshot(e), link), "the job links the stored snapshot");
            assertEquals(sha256(link), e.sha256());
            assertEquals(Files.size(link), e.size());
            assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(link)));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("snapshots"))));
    }

    @Test
    void anUnchangedEntryIsNeitherCopiedNorHashedAgainAndAChangedOneIs() throws IOException {
        PinnedClasspath first = pin(classes, jar);
        Object storedKey = Files.readAttributes(snapshot(first.entries().get(0)), "unix:ino").get("ino");

        PinnedClasspath again = pin(classes, jar);
        assertEquals(first, again);
        assertEquals(storedKey, Files.readAttributes(snapshot(again.entries().get(0)), "unix:ino").get("ino"));
        assertEquals(2L, (long) (Integer) Files.getAttribute(snapshot(again.entries().get(0)), "unix:nlink") - 1,
                "two jobs link one stored file");

        Files.writeString(classes.resolve("app/Main.class"), "main v2");
        PinnedClasspath rebuilt = pin(classes, jar);
        assertNotEquals(first.entries().get(0).sha256(), rebuilt.entries().get(0).sha256());
        assertEquals(first.entries().get(1), rebuilt.entries().get(1));
        assertTrue(Files.exists(snapshot(first.entries().get(0))), "the first build stays pinned for its jobs");
    }

    @Test
    void theSameContentElsewhereOrTouchedIsStoredOnce() throws IOException {
        PinnedClasspath first = pin(classes);
        Path copy = tmp.resolve("elsewhere/classes");
        Files.createDirectories(copy.resolve("app"));
        Files.writeString(copy.resolve("app/config.properties"), "a=1");
        Files.writeString(copy.resolve("app/Main.class"), "main v1");
        Files.setLastModifiedTime(classes.resolve("app/Main.class"), FileTime.fromMillis(0));

        assertEquals(first.entries().get(0).sha256(), pin(copy).entries().get(0).sha256());
        assertEquals(first.entries().get(0).sha256(), pin(classes).entries().get(0).sha256());
        assertEquals(List.of(first.entries().get(0).fileName()), storedSnapshots());
    }

    private List<String> storedSnapshots() throws IOException {
        try (var files = Files.list(home.resolve("snapshots"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    @Test
    void entriesThatCannotBePinnedAreSkippedWithTheReason() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.jar"), "not a zip");
        Path missing = tmp.resolve("missing.jar");

        PinnedClasspath pinned = pin(missing, text, jar);

        assertEquals(List.of(jar.toString()), pinned.entries().stream().map(PinnedClasspath.Entry::source).toList());
        assertEquals(2, pinned.skipped().size());
        assertEquals(new PinnedClasspath.Skipped(missing.toString(), "does not exist"), pinned.skipped().get(0));
        assertEquals(text.toString(), pinned.skipped().get(1).source());
        assertTrue(pinned.skipped().get(1).reason().startsWith("is not a jar: "), pinned.skipped().get(1).reason());
        assertTrue(pinned.describeSkipped().startsWith(missing + " (does not exist), " + text + " (is not a jar: "));
    }

    @Test
    void theJarsAJarsManifestNamesArePinnedRightAfterItAndTheAttributeIsDropped() throws IOException {
        Path dependency = jar(tmp.resolve("launcher/deps/dep.jar"), null, "dep/Dep.class");
        Path launcher = jar(tmp.resolve("launcher/launcher.jar"), "deps/dep.jar ../app/target/classes/ missing.jar", "L.class");

        PinnedClasspath pinned = pin(launcher, jar, dependency);

        assertEquals(List.of(launcher.toString(), dependency.toString(), classes.toString(), jar.toString()),
                pinned.entries().stream().map(PinnedClasspath.Entry::source).toList());
        assertEquals(List.of(new PinnedClasspath.Skipped(tmp.resolve("launcher/missing.jar").toString(), "does not exist")),
                pinned.skipped());
        try (JarFile stored = new JarFile(snapshot(pinned.entries().get(0)).toFile())) {
            assertNull(stored.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH),
                    "the snapshot must not lead the runner to live files");
            assertTrue(stored.getEntry("L.class") != null);
        }
    }

    @Test
    void aNewJvmTrustsTheCacheFileForEntriesWhoseStampIsUnchanged() throws IOException {
        PinnedClasspath first = pin(jar);
        // Rewrite the jar in place with other bytes of the same size, then restore its time:
        // only a cache can still believe it is the old jar.
        FileTime modified = Files.getLastModifiedTime(jar);
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 1;
        try (OutputStream out = Files.newOutputStream(jar)) {
            out.write(bytes);
        }
        Files.setLastModifiedTime(jar, modified);

        snapshots = new Snapshots(home);
        assertEquals(first.entries(), pin(jar).entries());
        Files.delete(home.resolve("snapshots").resolve(SnapshotCache.FILE));
        snapshots = new Snapshots(home);
        assertEquals(sha256(jar), pin(jar).entries().get(0).sha256(), "without the cache, the jar is hashed again");
    }

    @Test
    void aDamagedOrUnusedStoredSnapshotIsStoredAgain() throws IOException {
        PinnedClasspath first = pin(jar);
        Path stored = snapshot(first.entries().get(0));
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
        Files.write(stored, new byte[] {1, 2, 3}); // truncated: the job's link is the same file, damaged too

        PinnedClasspath second = pin(jar);
        assertEquals(first.entries(), second.entries());
        assertEquals(first.entries().get(0).sha256(), sha256(second.entries().get(0).link(tmp.resolve("job-2"))));

        Files.delete(stored);
        PinnedClasspath third = pin(jar);
        assertEquals(first.entries(), third.entries());
        assertTrue(Files.isSameFile(stored, third.entries().get(0).link(tmp.resolve("job-3"))));
    }

    @Test
    void aSnapshotDirectoryOthersCanWriteIsRefused() throws IOException {
        pin(jar);
        Files.setPosixFilePermissions(home.resolve("snapshots"), PosixFilePermissions.fromString("rwxrwx---"));

        var e = assertThrows(dev.persist.PersistException.class, () -> pin(jar));
        assertEquals("Refusing the Persist snapshot directory: " + home.resolve("snapshots") + " has permissions"
                + " rwxrwx--- and can be written by other users; if you trust its contents, run: chmod go-w "
                + home.resolve("snapshots"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("job-2").resolve(JobDir.CLASSPATH)));
    }

    @Test
    void aDirectoryThatKeepsChangingWhileItIsCopiedIsNotPinned() throws Exception {
        Files.write(classes.resolve("app/large.bin"), new byte[16 << 20]); // read twice: a wide window
        AtomicBoolean stop = new AtomicBoolean();
        Thread build = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    Files.writeString(classes.resolve("app/Generated.class"), "x".repeat(i % 1000)); // a build writing
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        build.start();
        try {
            IOException e = assertThrows(IOException.class, () -> pin(classes));
            assertEquals(classes + " kept changing while Persist copied it (is a build writing to it?); submit the"
                    + " job again once it is finished", e.getMessage());
        } finally {
            stop.set(true);
            build.join();
        }
        assertEquals(List.of(), storedSnapshots(), "nothing half-written is left");
    }

    @Test
    void theRunnerRefusesADamagedSnapshotNamingItsSourceAndRemovesItFromTheStore() throws IOException {
        Path jobDir = jobDirectory();
        PinnedClasspath pinned = snapshots.pin(List.of(classes, jar), jobDir.resolve(JobDir.CLASSPATH));
        Snapshots.verify(jobDir, pinned);
        Path link = pinned.entries().get(1).link(jobDir);
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(link);
        bytes[bytes.length - 1] ^= 1;
        Files.write(link, bytes); // same size: only the hash tells

        IOException e = assertThrows(IOException.class, () -> Snapshots.verify(jobDir, pinned));
        assertEquals("The class path entry " + jar + ", pinned for this job as " + link + ", is damaged: its content no"
                + " longer has the SHA-256 its name says. It was removed from " + home.resolve("snapshots")
                + "; submit the job again to pin a fresh copy.", e.getMessage());
        assertFalse(Files.exists(snapshot(pinned.entries().get(1))));
        assertEquals(sha256(jar), pin(jar).entries().get(0).sha256(), "the next pin stores a good copy");
    }

    @Test
    void snapshotNamesAreLowerCaseSha256HexOnly() {
        assertTrue(Snapshots.isHash("0123456789abcdef".repeat(4)));
        for (String bad : new String[] {null, "", "a".repeat(63), "a".repeat(65), "A".repeat(64), "g".repeat(64),
            "a".repeat(63) + "/", "a".repeat(63) + ":", "a".repeat(63) + "`"}) {
            assertFalse(Snapshots.isHash(bad), bad);
        }
    }

    @Test
    void theRunnerTrustsASnapshotThatKeptItsStoredSizeAndTimeWithoutReadingIt() throws IOException {
        Path jobDir = jobDirectory();
        PinnedClasspath pinned = snapshots.pin(List.of(jar), jobDir.resolve(JobDir.CLASSPATH));
        Path link = pinned.entries().get(0).link(jobDir);
        assertEquals(Snapshots.STORED_MTIME, Files.getLastModifiedTime(link));
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(link);
        bytes[bytes.length - 1] ^= 1;
        Files.write(link, bytes);
        Files.setLastModifiedTime(link, Snapshots.STORED_MTIME); // a write that covers its tracks is not seen

        Snapshots.verify(jobDir, pinned);
    }

    @Test
    void theRunnerHashesASnapshotWithAnotherModificationTime() throws IOException {
        Path jobDir = jobDirectory();
        PinnedClasspath pinned = snapshots.pin(List.of(jar), jobDir.resolve(JobDir.CLASSPATH));
        Path link = pinned.entries().get(0).link(jobDir);
        Files.setLastModifiedTime(link, FileTime.fromMillis(1_700_000_000_000L)); // as stored by an earlier version

        Snapshots.verify(jobDir, pinned); // intact: accepted

        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-------"));
        byte[] bytes = Files.readAllBytes(link);
        bytes[0] ^= 1;
        Files.write(link, bytes);
        Files.setLastModifiedTime(link, FileTime.fromMillis(1_700_000_000_000L));
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("r--------"));
        assertThrows(IOException.class, () -> Snapshots.verify(jobDir, pinned));
    }

    @Test
    void aSnapshotStoredByAnEarlierVersionIsStoredAgainWithTheTimeTheRunnerTrusts() throws IOException {
        PinnedClasspath first = pin(jar);
        Path stored = snapshot(first.entries().get(0));
        Files.setLastModifiedTime(stored, FileTime.fromMillis(1_700_000_000_000L)); // as earlier versions stored it

        PinnedClasspath second = pin(jar);
        Path link = second.entries().get(0).link(tmp.resolve("job-2"));
        assertEquals(first.entries(), second.entries());
        assertFalse(Files.isSameFile(stored, first.entries().get(0).link(tmp.resolve("job-1"))), "a new copy");
        assertTrue(Files.isSameFile(stored, link));
        assertEquals(Snapshots.STORED_MTIME, Files.getLastModifiedTime(link));
    }

    @Test
    void theRunnerRefusesASnapshotOthersCanWrite() throws IOException {
        Path jobDir = jobDirectory();
        PinnedClasspath pinned = snapshots.pin(List.of(jar), jobDir.resolve(JobDir.CLASSPATH));
        Path link = pinned.entries().get(0).link(jobDir);
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("r---w----"));

        var e = assertThrows(dev.persist.PersistException.class, () -> Snapshots.verify(jobDir, pinned));
        assertEquals("Refusing the class path snapshot of " + jar + ": " + link + " has permissions r---w---- and can"
                + " be written by other users; if you trust its contents, run: chmod go-w " + link, e.getMessage());
    }
}
