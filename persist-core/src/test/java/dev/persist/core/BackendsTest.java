package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.persist.spi.JobManager;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendsTest {

    private static JobManager backend(String id) {
        JobManager manager = mock(JobManager.class);
        when(manager.id()).thenReturn(id);
        return manager;
    }

    @Test
    void unknownBackendListsTheKnownOnesAndSuggestsTheNearest() {
        Backends backends = new Backends(Set.of(backend("local"), backend("slurm")), new BackendDiscovery(List.of(), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("slurmm"));
        assertEquals("Unknown backend 'slurmm'; known backends: local, slurm. Did you mean 'slurm'?", e.getMessage());
        IllegalArgumentException far = assertThrows(IllegalArgumentException.class, () -> backends.get("kubernetes"));
        assertTrue(far.getMessage().endsWith("known backends: local, slurm."), far.getMessage());
    }

    @Test
    void noBackendsSaysWhatToInstall() {
        Backends backends = new Backends(Set.of(), new BackendDiscovery(List.of(), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("local"));
        assertTrue(e.getMessage().contains("add persist-local"), e.getMessage());
    }

    @Test
    void twoBackendsWithOneNameAreReportedAndTheFirstWins() {
        JobManager first = backend("local");
        JobManager second = backend("local");
        Backends backends = new Backends(Set.of(first, second), new BackendDiscovery(List.of(), List.of("broken jar")));
        JobManager chosen = backends.get("local");
        assertTrue(chosen == first || chosen == second);
        assertEquals(2, backends.problems().size());
        assertTrue(backends.problems().get(1).contains("Two backends are named 'local'"), backends.problems().toString());
        assertSame(chosen, backends.all().get("local"));
    }

    @Test
    void nearestIgnoresNamesThatAreFarOff() {
        assertEquals("local", Backends.nearest("locl", List.of("local", "slurm")));
        assertNull(Backends.nearest("zzzzzz", List.of("local", "slurm")));
    }
}
