package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {

    private static final String STAT_TAIL = " 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100";

    @Test
    void aCommandNameWithSpacesAndParenthesesIsSkipped() {
        ProcessTable.Stat stat = ProcessTable.parse("4321 (evil) S 1 (x)) Z" + STAT_TAIL);
        assertEquals(4321, stat.pid());
        assertEquals('Z', stat.state());
        assertTrue(stat.isZombie());
        assertEquals(1234, stat.processGroup());
        assertEquals(1234, stat.session());
        assertEquals(987654, stat.startTicks());
    }

    @Test
    void truncatedLinesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProcessTable.parse("12 (sh) S 1 2"));
        assertThrows(IllegalArgumentException.class, () -> ProcessTable.parse("garbage"));
    }

    @Test
    void thisJvmIsAliveAndAReusedPidIsNot() {
        ProcessTable table = new ProcessTable();
        long pid = ProcessHandle.current().pid();
        ProcessTable.Stat self = table.stat(pid).orElseThrow();
        assertTrue(table.isAlive(pid, self.startTicks()));
        assertFalse(table.isAlive(pid, self.startTicks() + 1), "same pid, other start time: another process");
        assertTrue(table.stat(Integer.MAX_VALUE).isEmpty());
    }

    @Test
    void sessionMembersSkipZombiesAndOtherSessions(@TempDir Path proc) throws IOException {
        write(proc, 10, "10 (sh) S 1 10 10" + tail(500));
        write(proc, 11, "11 (java) S 10 10 10" + tail(501));
        write(proc, 12, "12 (defunct) Z 10 10 10" + tail(502));
        write(proc, 13, "13 (other) S 1 13 13" + tail(503));
        Files.createDirectories(proc.resolve("self"));
        Path bootId = proc.resolve("boot_id");
        Files.writeString(bootId, "abc\n");
        Path hostName = proc.resolve("hostname");
        Files.writeString(hostName, "node7\n");
        ProcessTable table = new ProcessTable(proc, bootId, hostName);
        assertEquals(java.util.List.of(10L, 11L),
                table.sessionMembers(10).stream().map(ProcessTable.Stat::pid).sorted().toList());
        assertEquals("abc", table.bootId());
        assertEquals("node7", table.hostName());
    }

    private static String tail(long startTicks) {
        return " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " + startTicks + " 1000 100";
    }

    private static void write(Path proc, long pid, String stat) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), stat + "\n");
    }
}
