package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.persist.BackendInfo;
import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackendsTest {

    private static JobManager backend(String id) {
        JobManager manager = mock(JobManager.class);
        when(manager.id()).thenReturn(id);
        return manager;
    }

    @Test
    void unknownBackendListsTheKnownOnesAndSuggestsTheNearest() {
        Backends backends = TestBackends.of(backend("local"), backend("slurm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("slurmm"));
        assertEquals("Unknown backend 'slurmm'; known backends: local, slurm. Did you mean 'slurm'?", e.getMessage());
        IllegalArgumentException far = assertThrows(IllegalArgumentException.class, () -> backends.get("kubernetes"));
        assertTrue(far.getMessage().endsWith("known backends: local, slurm."), far.getMessage());
    }

    @Test
    void noBackendsSaysWhatToInstall() {
        Backends backends = TestBackends.of();
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

    /** Discovery finds {@code first} before {@code second}. */
    private static void assertFirstWins(JobManager first, JobManager second) {
        BackendDiscovery discovery = new BackendDiscovery(List.of(first.getClass(), second.getClass()),
                List.of("broken jar"));
        Map<Class<?>, JobManager> instances = Map.of(first.getClass(), first, second.getClass(), second);
        Backends backends = new Backends(() -> discovery, instances::get);
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

    /** A backend named {@code local} whose constructor throws, as a broken plugin's might. */
    static final class Exploding extends StubLocal {
        Exploding() {
            throw new IllegalStateException("no config file");
        }
    }

    @Test
    void aBackendThatCannotBeConstructedIsReportedAndTheOthersWork() {
        JobManager slurm = backend("slurm");
        BackendDiscovery discovery = new BackendDiscovery(List.of(Exploding.class, slurm.getClass()), List.of());
        Backends backends = new Backends(() -> discovery, type -> type == Exploding.class ? new Exploding() : slurm);

        assertSame(slurm, backends.get("slurm"));
        assertEquals(Set.of("slurm"), backends.all().keySet());
        assertEquals(List.of("Backend " + Exploding.class.getName() + " (" + BackendDiscovery.location(Exploding.class)
                + ") could not be created, so it is skipped: java.lang.IllegalStateException: no config file"),
                backends.problems());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("local"));
        assertEquals("Unknown backend 'local'; known backends: slurm.", e.getMessage());
    }

    @Test
    void aBackendWithANameUsersCannotTypeIsReported() {
        Backends backends = TestBackends.of(backend("Local Jobs"), backend("local"));

        assertEquals(Set.of("local"), backends.all().keySet());
        String problem = backends.problems().get(0);
        assertTrue(problem.endsWith("could not be created, so it is skipped: java.lang.IllegalArgumentException: "
                + "Invalid backend name 'Local Jobs': backend names are 1 to 64 characters of [a-z0-9_-], "
                + "starting with a letter"), problem);
    }

    @Test
    void nothingIsDiscoveredOrConstructedBeforeABackendIsNeeded() {
        AtomicInteger discoveries = new AtomicInteger();
        AtomicInteger constructions = new AtomicInteger();
        JobManager local = backend("local");
        Backends backends = new Backends(() -> {
            discoveries.incrementAndGet();
            return new BackendDiscovery(List.of(local.getClass()), List.of());
        }, type -> {
            constructions.incrementAndGet();
            return local;
        });
        assertEquals(0, discoveries.get() + constructions.get());

        backends.get("local");
        backends.get("local");
        backends.all();

        assertEquals(1, discoveries.get());
        assertEquals(1, constructions.get());
    }

    @BackendName("local")
    static final class DeclaredLocal extends StubLocal {
    }

    @BackendName("local")
    static final class DeclaredLocalToo extends StubLocal {
    }

    @BackendName("slurm")
    static final class DeclaredSlurm extends StubLocal {
        @Override
        public String id() {
            return "slurm";
        }
    }

    /** Declares a name its id() does not return. */
    @BackendName("slurm")
    static final class Misdeclared extends StubLocal {
    }

    @BackendName("Slurm Jobs")
    static final class UntypableName extends StubLocal {
    }

    @BackendName("local")
    static final class ExplodingDeclared extends StubLocal {
        ExplodingDeclared() {
            throw new IllegalStateException("no config file");
        }
    }

    /** Backends over the classes, in discovery order, constructed by their constructors; counts constructions by class. */
    private static Backends constructing(Map<Class<?>, Integer> constructions, List<Class<? extends JobManager>> types) {
        return new Backends(() -> new BackendDiscovery(types, List.of()), type -> {
            constructions.merge(type, 1, Integer::sum);
            try {
                var constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                return constructor.newInstance();
            } catch (InvocationTargetException e) {
                throw (RuntimeException) e.getCause();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aBackendThatDeclaresItsNameIsConstructedOnlyWhenThatNameIsNeeded() {
        Map<Class<?>, Integer> constructions = new HashMap<>();
        Backends backends = constructing(constructions, List.of(DeclaredSlurm.class, DeclaredLocal.class));

        assertEquals(DeclaredLocal.class, backends.get("local").getClass());
        backends.get("local");
        assertEquals(Map.of(DeclaredLocal.class, 1), constructions);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("slurmm"));
        assertEquals("Unknown backend 'slurmm'; known backends: local, slurm. Did you mean 'slurm'?", e.getMessage());
        assertEquals(Map.of(DeclaredLocal.class, 1), constructions);

        assertEquals(Set.of("local", "slurm"), backends.all().keySet());
        assertEquals(Map.of(DeclaredLocal.class, 1, DeclaredSlurm.class, 1), constructions);
        assertEquals(List.of(), backends.problems());
    }

    @Test
    void ofTwoBackendsThatDeclareOneNameTheFirstIsUsedAndTheSecondReportedUnconstructed() {
        Map<Class<?>, Integer> constructions = new HashMap<>();
        Backends backends = constructing(constructions, List.of(DeclaredLocal.class, DeclaredLocalToo.class));

        assertEquals(DeclaredLocal.class, backends.get("local").getClass());
        assertEquals(Map.of(DeclaredLocal.class, 1), constructions);
        List<String> problems = backends.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("Two backends are named 'local': " + DeclaredLocal.class.getName() + " ("),
                problems.get(0));
        assertTrue(problems.get(0).contains(" and " + DeclaredLocalToo.class.getName() + " ("), problems.get(0));
    }

    @Test
    void whenTheFirstBackendOfANameCannotBeConstructedTheNextOneIsUsed() {
        Map<Class<?>, Integer> constructions = new HashMap<>();
        Backends backends = constructing(constructions, List.of(ExplodingDeclared.class, LocalA.class));

        assertEquals(LocalA.class, backends.get("local").getClass());
        assertEquals(List.of("Backend " + ExplodingDeclared.class.getName() + " ("
                + BackendDiscovery.location(ExplodingDeclared.class)
                + ") could not be created, so it is skipped: java.lang.IllegalStateException: no config file"),
                backends.problems());
    }

    @Test
    void aBackendWhoseIdIsNotTheNameItDeclaresIsReportedAndSkipped() {
        Backends backends = constructing(new HashMap<>(), List.of(Misdeclared.class, UntypableName.class, DeclaredLocal.class));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.get("slurm"));
        assertEquals("Unknown backend 'slurm'; known backends: local.", e.getMessage());
        assertEquals(Set.of("local"), backends.all().keySet());
        List<String> problems = backends.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("Backend " + UntypableName.class.getName() + " ("), problems.get(0));
        assertTrue(problems.get(0).endsWith(") declares a name users cannot type (@BackendName), so it is skipped: "
                + "Invalid backend name 'Slurm Jobs': backend names are 1 to 64 characters of [a-z0-9_-], "
                + "starting with a letter"), problems.get(0));
        assertTrue(problems.get(1).startsWith("Backend " + Misdeclared.class.getName() + " ("), problems.get(1));
        assertTrue(problems.get(1).endsWith(") declares the name 'slurm' (@BackendName) but its id() returns 'local', "
                + "so it is skipped; make them the same"), problems.get(1));
    }

    @Test
    void infosNameEachBackendsVersionAndLocation() {
        JobManager local = backend("local");
        when(local.version()).thenReturn("1.2.3");
        JobManager broken = backend("slurm");
        when(broken.version()).thenThrow(new IllegalStateException("no manifest"));

        List<BackendInfo> infos = TestBackends.of(local, broken).infos();

        String location = BackendDiscovery.location(local.getClass());
        assertEquals(List.of(new BackendInfo("local", "1.2.3", location),
                new BackendInfo("slurm", "unknown (version() threw java.lang.IllegalStateException: no manifest)", location)),
                infos);
    }

    @Test
    void nearestIgnoresNamesThatAreFarOff() {
        assertEquals("local", Backends.nearest("locl", List.of("local", "slurm")));
        assertNull(Backends.nearest("zzzzzz", List.of("local", "slurm")));
    }
}
