package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /** A backend named {@code local} that does nothing; subclasses are distinct backend classes. */
    abstract static class StubLocal implements JobManager {
        @Override
        public String id() {
            return "local";
        }

        @Override
        public Map<String, String> launch(LaunchRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, BackendState> query(List<JobRef> jobs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe(JobRef job) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel(JobRef job) {
            throw new UnsupportedOperationException();
        }
    }

    static final class LocalA extends StubLocal {
    }

    static final class LocalB extends StubLocal {
    }

    @Test
    void twoBackendsWithOneNameAreReportedAndTheFirstFoundWins() {
        JobManager a = new LocalA();
        JobManager b = new LocalB();
        assertFirstWins(a, b);
        assertFirstWins(b, a);
    }

    /** Discovery finds {@code first} before {@code second}; the set offers them the other way round. */
    private static void assertFirstWins(JobManager first, JobManager second) {
        Set<JobManager> managers = new LinkedHashSet<>(List.of(second, first));
        BackendDiscovery discovery = new BackendDiscovery(List.of(first.getClass(), second.getClass()),
                List.of("broken jar"));
        Backends backends = new Backends(managers, discovery);
        assertSame(first, backends.get("local"));
        assertSame(first, backends.all().get("local"));
        assertEquals(Map.of("local", first), backends.all());
        List<String> problems = backends.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("broken jar", problems.get(0));
        String problem = problems.get(1);
        assertTrue(problem.startsWith("Two backends are named 'local': " + first.getClass().getName() + " ("),
                problem);
        assertTrue(problem.contains(" and " + second.getClass().getName() + " ("), problem);
        assertTrue(problem.endsWith("; using the first. Remove one of the jars."), problem);
    }

    @Test
    void nearestIgnoresNamesThatAreFarOff() {
        assertEquals("local", Backends.nearest("locl", List.of("local", "slurm")));
        assertNull(Backends.nearest("zzzzzz", List.of("local", "slurm")));
    }
}
