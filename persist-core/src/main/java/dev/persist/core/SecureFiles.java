package dev.persist.core;

import dev.persist.PersistException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * File operations with the guarantees job directories need: private directories, atomic
 * writes, and a check that a directory belongs to this user and nobody else can write to it
 * before anything in it is deserialized.
 */
public final class SecureFiles {

    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private static final int GROUP_OR_OTHER_WRITE = 0022;
    /** The file type bits of {@code unix:mode} ({@code st_mode}), and their value for a directory. */
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    /** What {@link #checkPrivate} reads, in one {@code lstat}. */
    private static final String PRIVATE_ATTRIBUTES = "unix:uid,mode,isSymbolicLink";

    private static volatile Integer uid;

    private SecureFiles() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param out the file's stream; do not close it
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** @return this process's user id, as the owner of {@code /proc/self} shows it */
    public static int currentUid() {
        Integer id = uid;
        if (id == null) {
            try {
                id = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot determine the current user id from /proc/self", e);
            }
            uid = id;
        }
        return id;
    }

    /**
     * Creates a directory and its missing parents, the ones created with mode 0700.
     *
     * @param dir the directory
     * @throws IOException if it cannot be created
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PRIVATE_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Refuses a directory or file that is a symbolic link, belongs to another user, or can be
     * written by group or others.
     *
     * @param path the directory or file
     * @param what what it is, for the message ("job 'x'", "the Persist home")
     * @throws PersistException naming the path, the problem and the fix
     * @throws IOException if its attributes cannot be read
     */
    public static void checkPrivate(Path path, String what) throws IOException {
        checkPrivate(path, what, Files.readAttributes(path, PRIVATE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * {@link #checkPrivate} for what may not be a directory, with the same single {@code lstat}:
     * {@code list()} checks every entry of the jobs directory.
     *
     * @param path the path
     * @param what what it is, for the message
     * @return false if it is not a directory (a symbolic link is not, even to one); true if it is
     *     one and passes the check
     * @throws PersistException if it is a directory that fails the check
     * @throws IOException if its attributes cannot be read
     */
    public static boolean isPrivateDirectory(Path path, String what) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, PRIVATE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (((Integer) attributes.get("mode") & FILE_TYPE) != DIRECTORY) {
            return false;
        }
        checkPrivate(path, what, attributes);
        return true;
    }

    private static void checkPrivate(Path path, String what, Map<String, Object> attributes) throws IOException {
        Object owner = attributes.get("uid");
        int mode = (Integer) attributes.get("mode");
        if ((Boolean) attributes.get("isSymbolicLink")) {
            throw new PersistException("Refusing " + what + ": " + path + " is a symbolic link; "
                    + "Persist only reads files and directories it created");
        }
        if (!owner.equals(currentUid())) {
            throw new PersistException("Refusing " + what + ": " + path + " is owned by user id " + owner
                    + ", not by you (user id " + currentUid() + "); Persist never reads data another user controls");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new PersistException("Refusing " + what + ": " + path + " has permissions "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))
                    + " and can be written by other users; if you trust its contents, run: chmod go-w " + path);
        }
    }

    /**
     * Refuses a file or directory that code is loaded from (a plugin) if another user could have
     * written it: it must belong to this user or to root and not be writable by group or others.
     * Symbolic links are followed.
     *
     * @param path the file or directory
     * @param what what it is, for the message
     * @throws PersistException naming the path, the problem and the fix
     * @throws IOException if its attributes cannot be read
     */
    public static void checkTrusted(Path path, String what) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,mode");
        int owner = (Integer) attributes.get("uid");
        int mode = (Integer) attributes.get("mode");
        if (owner != currentUid() && owner != 0) {
            throw new PersistException("Refusing " + what + " " + path + ": it is owned by user id " + owner
                    + ", neither by you (user id " + currentUid() + ") nor by root; Persist only loads code you trust");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new PersistException("Refusing " + what + " " + path + ": it has permissions "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(path))
                    + " and can be written by other users; if you trust it, run: chmod go-w " + path);
        }
    }

    /**
     * Names files and directories that others cannot create first, in directories only this user
     * can write to. Not {@link Files#createTempFile} or {@link Files#createTempDirectory}, whose
     * first call in a JVM seeds a {@code SecureRandom} (milliseconds of a short command) to make
     * names unguessable in directories others share.
     *
     * @param prefix what the name starts with
     * @return {@code prefix} followed by a random hexadecimal number
     */
    static String uniqueName(String prefix) {
        return prefix + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /**
     * @param dir a directory only this user can write to
     * @param prefix what the new directory's name starts with ({@link #uniqueName})
     * @return a new directory in it, private to this user
     * @throws IOException if it cannot be created
     */
    static Path createPrivateDirectory(Path dir, String prefix) throws IOException {
        return createUnique(dir, prefix, "", path -> Files.createDirectory(path, PRIVATE_DIRECTORY));
    }

    /**
     * @param dir a directory only this user can write to
     * @param prefix what the new file's name starts with ({@link #uniqueName})
     * @param suffix what it ends with
     * @return a new empty file in it, private to this user
     * @throws IOException if it cannot be created
     */
    static Path createPrivateFile(Path dir, String prefix, String suffix) throws IOException {
        return createUnique(dir, prefix, suffix, path -> Files.createFile(path, PRIVATE_FILE));
    }

    /** Creates something at a new unique name, drawing another name while one is taken. */
    private static Path createUnique(Path dir, String prefix, String suffix, Creator creator) throws IOException {
        while (true) {
            try {
                return creator.create(dir.resolve(uniqueName(prefix) + suffix));
            } catch (FileAlreadyExistsException e) {
                // another one took that name: draw another
            }
        }
    }

    /** Creates a file or directory where none is, or fails with {@link FileAlreadyExistsException}. */
    @FunctionalInterface
    private interface Creator {
        Path create(Path path) throws IOException;
    }

    /**
     * Writes a file atomically: into a temporary file beside it, then renamed over it, so that
     * readers see either nothing or the whole file.
     *
     * @param target the file
     * @param content what to write
     * @throws IOException if writing fails; the temporary file is removed
     */
    public static void writeAtomically(Path target, Content content) throws IOException {
        Path tmp = target.resolveSibling(uniqueName("." + target.getFileName() + ".tmp-"));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            moveAtomically(tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * @param target the file
     * @param bytes its content
     * @throws IOException if writing fails
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, out -> out.write(bytes));
    }

    /**
     * Renames within one file system, atomically, replacing a file but never a non-empty
     * directory.
     *
     * @param source what to move
     * @param target where
     * @throws DirectoryNotEmptyException if the target is a non-empty directory
     * @throws IOException if the rename fails
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot rename " + source + " to " + target
                    + " atomically: both must be on one file system", e);
        }
    }

    /**
     * Deletes a file or a directory tree, not following symbolic links. Missing files are fine.
     *
     * @param path what to delete
     * @throws IOException if something cannot be deleted
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
