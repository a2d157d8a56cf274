package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New files and directories with unique names, private to this user. */
class SecureFilesTest {

    @TempDir
    Path dir;

    @Test
    void newDirectoriesAndFilesArePrivateAndNamedApart() throws IOException {
        Path first = SecureFiles.createPrivateDirectory(dir, ".staging-");
        Path second = SecureFiles.createPrivateDirectory(dir, ".staging-");
        Path file = SecureFiles.createPrivateFile(dir, ".tmp-", ".jar");

        assertNotEquals(first, second);
        assertTrue(Files.isDirectory(first) && Files.isDirectory(second));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        assertTrue(first.getFileName().toString().matches("\\.staging-[0-9a-f]{1,16}"), first.toString());
        assertTrue(Files.isRegularFile(file) && Files.size(file) == 0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(file.getFileName().toString().matches("\\.tmp-[0-9a-f]{1,16}\\.jar"), file.toString());
    }
}
