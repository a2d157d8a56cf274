package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one failure of {@link SessionKiller} that cannot be caused on demand: a process that outlives
 * SIGKILL (stuck in uninterruptible sleep). The process table is a stand-in that always shows such a
 * process, with a pid above the kernel's maximum so that nothing real is ever signalled. Real
 * cancellation is tested in CancelTest.
 */
class SessionKillerTest {

    @Test
    void aProcessThatSurvivesKillIsReportedWithItsState() throws IOException {
        long impossiblePid = 1L << 40;
        ProcessTable processes = mock(ProcessTable.class);
        when(processes.sessionMembers(anyLong()))
                .thenAnswer(call -> new ArrayList<>(List.of(new ProcessTable.Stat(impossiblePid, 'D', 4242, 4242, 1))));

        IOException e = assertThrows(IOException.class, () -> new SessionKiller(processes).kill(4242, Duration.ZERO));

        assertEquals("Processes of session 4242 survived SIGKILL for 5 s (stuck in the kernel, e.g. on a hung file system?): ["
                + impossiblePid + " (state D)]", e.getMessage());
    }
}
