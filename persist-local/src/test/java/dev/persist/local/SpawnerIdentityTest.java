package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawner's identity as its file and jobs' handles hold it: what is written reads back, and nothing else does. */
class SpawnerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void anIdentityReadsBackAsWritten() throws IOException {
        SpawnerIdentity identity = new SpawnerIdentity(4_194_303, 123_456_789_012L);
        assertEquals("4194303/123456789012", identity.toString());
        assertEquals(identity, SpawnerIdentity.parse(identity.toString()));
        Path file = dir.resolve("spawner.pid");
        identity.write(file);
        assertEquals("4194303/123456789012\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(identity, SpawnerIdentity.read(file));
    }

    @Test
    void whatIsNotPidSlashStartTicksIsRefused() throws IOException {
        for (String text : new String[] {"", "12", "12/", "/34", "a/34", "12/b", "12/34/56", "12 / 34"}) {
            assertThrows(IllegalArgumentException.class, () -> SpawnerIdentity.parse(text), text);
        }
        Path file = dir.resolve("spawner.pid");
        Files.writeString(file, "12 34\n");
        IOException e = assertThrows(IOException.class, () -> SpawnerIdentity.read(file));
        assertTrue(e.getMessage().startsWith("Invalid spawner identity in " + file + ": '12 34' is not PID/START_TICKS"),
                e.getMessage());
    }
}
