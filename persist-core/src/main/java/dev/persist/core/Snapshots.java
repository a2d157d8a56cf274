package dev.persist.core;

import dev.persist.GcReport;
import dev.persist.PersistException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The content-addressed store of class path snapshots under {@code <home>/snapshots/} (mode 0700).
 *
 * <p>{@link #pin} copies each jar of a class path, and packs each class directory into a jar with
 * {@link DeterministicJar}, as {@code <sha256>.jar} (mode 0400, modification time {@link #STORED_MTIME},
 * written to a temporary name and renamed), then hard-links the snapshot into the job directory's {@code classpath/}. The runner
 * runs from those links, so rebuilding or deleting the originals does not touch the job. Entries
 * with the same content are stored once, whichever jobs and class paths they come from; an entry
 * whose stamp (see {@link SnapshotCache}) is unchanged costs a few system calls, not a copy.
 *
 * <p>The hard links are also the reference count: a snapshot whose link count is 1 is used by no
 * job, and {@link #release} (after a cleanup) and {@link #collectGarbage} delete it. A pin never
 * loses a snapshot to a concurrent collection: once linked into the job, the file lives as long as
 * the job directory does, and a snapshot deleted before the link is made is simply stored again.
 */
final class Snapshots {

    static final String DIRECTORY = "snapshots";
    /** A temporary file this old was left by a JVM that died while storing a snapshot. */
    static final Duration ABANDONED_COPY = Duration.ofHours(1);

    /**
     * The modification time every snapshot is stored with. Writing to a snapshot sets it to the
     * time of the write, so the runner can trust a snapshot that still has it (and its size)
     * without reading it; any other snapshot, such as one stored by an earlier version, is hashed.
     */
    static final FileTime STORED_MTIME = FileTime.fromMillis(0);

    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final int ATTEMPTS = 3;

    private final Path dir;
    private final SnapshotCache cache;

    /** @param home the Persist home */
    Snapshots(Path home) {
        this.dir = home.resolve(DIRECTORY);
        this.cache = new SnapshotCache(dir.resolve(SnapshotCache.FILE));
    }

    static boolean isHash(String s) {
        // No regular expression: every job's JVM checks its snapshots' names, and java.util.regex costs it milliseconds.
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pins a class path: stores what is not stored yet and links every entry into {@code links}.
     * Jars named by a pinned jar's {@code Class-Path} manifest attribute are pinned right after
     * it, as the JVM would search them. Entries that do not exist, cannot be read, or are neither a
     * class directory nor a jar are skipped with the reason, as the JVM skips them.
     *
     * @param sources the class path, absolute and normalized, in order
     * @param links a directory to create, inside a private job directory being prepared
     * @return the pinned class path
     * @throws IOException if the snapshot directory or the links cannot be written, or an entry
     *     kept changing while it was copied
     */
    PinnedClasspath pin(List<Path> sources, Path links) throws IOException {
        SecureFiles.createPrivateDirectories(dir);
        SecureFiles.checkPrivate(dir, "the Persist snapshot directory");
        Files.createDirectory(links, SecureFiles.PRIVATE_DIRECTORY);
        Deque<Path> pending = new ArrayDeque<>(sources);
        Set<Path> seen = new HashSet<>();
        Set<String> linked = new HashSet<>();
        List<PinnedClasspath.Entry> entries = new ArrayList<>();
        List<PinnedClasspath.Skipped> skipped = new ArrayList<>();
        while (!pending.isEmpty()) {
            Path source = pending.removeFirst();
            if (!seen.add(source)) {
                continue;
            }
            SnapshotCache.Known known;
            try {
                known = pinOne(source, links, linked);
            } catch (Unpinnable e) {
                skipped.add(new PinnedClasspath.Skipped(source.toString(), e.getMessage()));
                continue;
            }
            if (linked.add(known.sha256())) {
                entries.add(new PinnedClasspath.Entry(source.toString(), known.sha256(), known.size()));
            }
            List<Path> referenced = known.classPath();
            for (int i = referenced.size() - 1; i >= 0; i--) {
                pending.addFirst(referenced.get(i));
            }
        }
        cache.save(sha -> Files.exists(entry(sha)));
        return new PinnedClasspath(entries, skipped);
    }

    private SnapshotCache.Known pinOne(Path source, Path links, Set<String> linked) throws IOException, Unpinnable {
        for (int attempt = 1; ; attempt++) {
            BasicFileAttributes attributes = attributes(source);
            String stamp = stamp(source, attributes);
            SnapshotCache.Known known = cache.get(source, stamp);
            if (known != null && (linked.contains(known.sha256()) || link(known.sha256(), known.size(), links))) {
                return known;
            }
            known = store(source, attributes, stamp, links, linked);
            if (known != null) {
                cache.put(source, known);
                return known;
            }
            if (attempt == ATTEMPTS) {
                throw new IOException(source + " kept changing while Persist copied it (is a build writing to it?);"
                        + " submit the job again once it is finished");
            }
        }
    }

    private static BasicFileAttributes attributes(Path source) throws IOException, Unpinnable {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(source, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Unpinnable("does not exist");
        } catch (IOException e) {
            throw new Unpinnable("cannot be read: " + e.getMessage());
        }
        if (!attributes.isDirectory() && !attributes.isRegularFile()) {
            throw new Unpinnable("is neither a directory nor a jar");
        }
        return attributes;
    }

    /**
     * What changes whenever an entry's content may have changed: a jar's size, modification time
     * (in nanoseconds) and inode; for a class directory, the same of every file and directory in
     * it, with its path, combined into one 64-bit sum of well-mixed terms (order-independent, so
     * no sorting; a change goes unnoticed only if two sums collide, with odds of about 2^-64).
     */
    static String stamp(Path source, BasicFileAttributes attributes) throws IOException {
        if (!attributes.isDirectory()) {
            return "file " + attributes.size() + " " + attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) + " "
                    + attributes.fileKey();
        }
        long[] sumAndCount = new long[2];
        Files.walkFileTree(source, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                add(d, a);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                add(file, a);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                sumAndCount[0] += mix(file.toString().hashCode() ^ mix(e.getClass().hashCode()));
                sumAndCount[1]++;
                return FileVisitResult.CONTINUE;
            }

            private void add(Path path, BasicFileAttributes a) {
                long h = mix(path.toString().hashCode() ^ mix(a.size()));
                h = mix(h ^ a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
                sumAndCount[0] += mix(h ^ Objects.hashCode(a.fileKey()));
                sumAndCount[1]++;
            }
        });
        return "directory " + sumAndCount[1] + " " + Long.toHexString(sumAndCount[0]);
    }

    /** The finalizer of SplitMix64: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Links a stored snapshot into the job, if it exists and is intact (right size and modification
     * time, private). Any other is deleted so that it is stored again: a damaged one, or one stored
     * by an earlier version, which the runner would have to hash at every start.
     *
     * @return whether the link was made
     */
    private boolean link(String sha256, long size, Path links) throws IOException {
        Path entry = entry(sha256);
        Map<String, Object> a;
        try {
            a = Files.readAttributes(entry, "unix:size,uid,mode,isRegularFile,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        int mode = (Integer) a.get("mode");
        if (!(Boolean) a.get("isRegularFile") || (Long) a.get("size") != size
                || !a.get("uid").equals(SecureFiles.currentUid()) || (mode & 0022) != 0
                || !a.get("lastModifiedTime").equals(STORED_MTIME)) {
            Files.deleteIfExists(entry);
            return false;
        }
        try {
            Files.createLink(links.resolve(entry.getFileName()), entry);
            return true;
        } catch (NoSuchFileException e) {
            return false; // collected meanwhile: store it again
        } catch (FileSystemException e) {
            throw cannotLink(e);
        }
    }

    private static PersistException cannotLink(FileSystemException e) {
        return new PersistException("Cannot hard-link a class path snapshot into the job directory: " + e.getMessage()
                + ". The Persist home must be on one file system that supports hard links, such as ext4, xfs or NFS", e);
    }

    /**
     * Stores a snapshot of the source and links it into the job.
     *
     * @return what is known about the source now, or null if it changed while it was copied
     */
    private SnapshotCache.Known store(Path source, BasicFileAttributes attributes, String stamp, Path links,
            Set<String> linked) throws IOException, Unpinnable {
        Path temporary = SecureFiles.createPrivateFile(dir, TEMPORARY_PREFIX, ".jar");
        try {
            MessageDigest digest = sha256();
            List<Path> classPath;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temporary), digest)) {
                classPath = attributes.isDirectory() ? packDirectory(source, out) : copyJar(source, out);
            } catch (ZipException e) {
                // A class directory's file changed between the two reads of a large file (CRC mismatch).
                return null;
            } catch (IOException e) {
                throw new IOException("cannot copy " + source + " to " + dir + ": " + e, e);
            }
            if (!stamp(source, attributes(source)).equals(stamp)) {
                return null;
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            long size = Files.size(temporary);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("r--------"));
            if (!linked.contains(sha256) && !link(sha256, size, links)) {
                try {
                    Files.createLink(links.resolve(sha256 + ".jar"), temporary);
                } catch (FileSystemException e) {
                    throw cannotLink(e);
                }
                SecureFiles.moveAtomically(temporary, entry(sha256));
                // Only now: a temporary file this old would look abandoned to a concurrent collection.
                Files.setLastModifiedTime(links.resolve(sha256 + ".jar"), STORED_MTIME);
            }
            return new SnapshotCache.Known(stamp, sha256, size, classPath);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static List<Path> packDirectory(Path source, OutputStream out) throws IOException {
        DeterministicJar.packDirectory(source, out);
        return List.of();
    }

    /** Copies a jar, or packs it again without its {@code Class-Path}; returns the entries that names. */
    private static List<Path> copyJar(Path source, OutputStream out) throws IOException, Unpinnable {
        try (ZipFile jar = new ZipFile(source.toFile())) {
            List<Path> classPath = manifestClassPath(jar, source);
            if (classPath == null) {
                Files.copy(source, out);
                return List.of();
            }
            DeterministicJar.repack(jar, out);
            return classPath;
        } catch (ZipException e) {
            throw new Unpinnable("is not a jar: " + e.getMessage());
        }
    }

    /**
     * The local files a jar's {@code Class-Path} attribute names, resolved against the jar's
     * location as the JVM resolves them; null if it has no such attribute.
     */
    private static List<Path> manifestClassPath(ZipFile jar, Path source) throws IOException {
        var manifestEntry = jar.getEntry(JarFile.MANIFEST_NAME);
        if (manifestEntry == null) {
            return null;
        }
        String value;
        try (InputStream in = jar.getInputStream(manifestEntry)) {
            value = new Manifest(in).getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
            return null; // the JVM cannot read such a manifest's Class-Path either
        }
        if (value == null) {
            return null;
        }
        List<Path> paths = new ArrayList<>();
        URI base = source.toUri();
        for (String token : value.trim().split("\\s+")) {
            try {
                URI uri = base.resolve(token);
                if ("file".equals(uri.getScheme())) {
                    paths.add(Path.of(uri).toAbsolutePath().normalize());
                }
            } catch (IllegalArgumentException e) {
                // not a URL the JVM could follow either
            }
        }
        return paths;
    }

    private Path entry(String sha256) {
        return dir.resolve(sha256 + ".jar");
    }

    static MessageDigest sha256() {
        try {
            return (MessageDigest) Sha256.PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return Sha256.create(); // a provider whose digests cannot be cloned
        }
    }

    /** A SHA-256 digest to clone: looking it up among the providers costs more than hashing a class path's names. */
    private static final class Sha256 {
        static final MessageDigest PROTOTYPE = create();

        static MessageDigest create() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has SHA-256", e);
            }
        }
    }

    /**
     * Deletes the given snapshots if no job links them any more; called after a job directory
     * was deleted.
     *
     * @param sha256s the hashes of the snapshots the deleted job used
     */
    void release(Collection<String> sha256s) throws IOException {
        for (String sha256 : sha256s) {
            collect(entry(sha256));
        }
    }

    /**
     * @param size the snapshot's size
     * @param deleted whether it was deleted, being used by no job
     */
    private record Collected(long size, boolean deleted) {
    }

    /** Deletes a snapshot no job links; null if it does not exist. */
    private static Collected collect(Path entry) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(entry, "unix:nlink,size", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        // A job that links it right after this check keeps its own link; the next job stores it again.
        boolean unused = (Integer) a.get("nlink") == 1;
        return new Collected((Long) a.get("size"), unused && Files.deleteIfExists(entry));
    }

    /**
     * Deletes every snapshot no job links, and temporary files abandoned by JVMs that died while
     * storing a snapshot.
     *
     * @param now the current time
     * @return what was deleted and what is kept
     */
    GcReport collectGarbage(Instant now) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new GcReport(0, 0, 0, 0);
        }
        SecureFiles.checkPrivate(dir, "the Persist snapshot directory");
        int removed = 0;
        int kept = 0;
        long removedBytes = 0;
        long keptBytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".jar") && isHash(name.substring(0, name.length() - ".jar".length()))) {
                    Collected c = collect(file);
                    if (c != null && c.deleted()) {
                        removed++;
                        removedBytes += c.size();
                    } else if (c != null) {
                        kept++;
                        keptBytes += c.size();
                    }
                } else if (name.startsWith(TEMPORARY_PREFIX) || name.startsWith("." + SnapshotCache.FILE + ".tmp-")) {
                    deleteIfOlder(file, now.minus(ABANDONED_COPY));
                }
            }
        }
        cache.save(sha -> Files.exists(entry(sha)));
        return new GcReport(removed, removedBytes, kept, keptBytes);
    }

    /** Deletes a file or directory tree last modified before {@code limit}. */
    static void deleteIfOlder(Path path, Instant limit) throws IOException {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (modified.toInstant().isBefore(limit)) {
            SecureFiles.deleteRecursively(path);
        }
    }

    /**
     * Checks, in the runner, that every snapshot the job links is private and still has the content
     * its name says, before any class is loaded from it. A snapshot that still has the size and
     * the modification time it was stored with ({@link #STORED_MTIME}) has not been written to
     * since and is not read; any other is hashed. A damaged snapshot is also removed from the
     * store (if the job's link is to the same file), so that the next job stores it again.
     *
     * @param jobDirectory the job directory, {@code <home>/jobs/<name>}
     * @param classpath the job's class path
     * @throws IOException naming the damaged entry, if one is
     */
    static void verify(Path jobDirectory, PinnedClasspath classpath) throws IOException {
        List<PinnedClasspath.Entry> suspect = new ArrayList<>();
        for (PinnedClasspath.Entry e : classpath.entries()) {
            Path link = e.link(jobDirectory);
            SecureFiles.checkPrivate(link, "the class path snapshot of " + e.source());
            BasicFileAttributes a = Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.size() != e.size() || !a.lastModifiedTime().equals(STORED_MTIME)) {
                suspect.add(e);
            }
        }
        if (suspect.isEmpty()) {
            return; // the usual case: no thread pool started, nothing read
        }
        List<String> hashes;
        try {
            // In parallel: with a large class path, hashing is most of the job's start-up time.
            hashes = suspect.parallelStream().map(e -> hash(e.link(jobDirectory))).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (int i = 0; i < suspect.size(); i++) {
            PinnedClasspath.Entry e = suspect.get(i);
            if (!hashes.get(i).equals(e.sha256())) {
                Path link = e.link(jobDirectory);
                Path shared = e.snapshot(jobDirectory.getParent().getParent());
                boolean removed = removeIfSameFile(shared, link);
                throw new IOException("The class path entry " + e.source() + ", pinned for this job as " + link
                        + ", is damaged: its content no longer has the SHA-256 its name says."
                        + (removed ? " It was removed from " + shared.getParent() + "; submit" : " Submit")
                        + " the job again to pin a fresh copy.");
            }
        }
    }

    private static String hash(Path file) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean removeIfSameFile(Path shared, Path link) throws IOException {
        try {
            return Files.isSameFile(shared, link) && Files.deleteIfExists(shared);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A class path entry that is skipped; the message says why. */
    private static final class Unpinnable extends Exception {
        private static final long serialVersionUID = 1L;

        Unpinnable(String reason) {
            super(reason, null, false, false);
        }
    }
}
