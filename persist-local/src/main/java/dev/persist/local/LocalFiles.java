package dev.persist.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/** File writing for the local backend and its spawner, which have only the JDK to rely on. */
final class LocalFiles {

    private LocalFiles() {
    }

    /**
     * Writes a file whole, readable by its owner only, then renames it into place, so that a
     * reader sees all of it or the file as it was. The temporary file beside it is named with a
     * random number, not by {@link Files#createTempFile}, whose first call in a JVM seeds a
     * {@code SecureRandom}: the directories written here are private, so no name needs to be
     * unguessable.
     *
     * @param file the file to write or replace
     * @param bytes its content
     */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createFile(file.resolveSibling("." + file.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
