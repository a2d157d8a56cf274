package dev.persist.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.PersistentTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each benchmark body once (not a measurement): the benchmarks stay runnable and honest. */
class BenchmarkBodiesTest {

    @ParameterizedTest
    @ValueSource(strings = {"none", "primitives", "list1000"})
    void bothCodecsGiveBackAWorkingTask(String shape) throws Exception {
        SerializationBenchmark benchmark = new SerializationBenchmark();
        benchmark.shape = shape;
        benchmark.setUp();
        Object expected = SerializationBenchmark.task(shape).call();

        assertEquals(expected, ((PersistentTask<?>) benchmark.kryo()).call());
        assertEquals(expected, ((PersistentTask<?>) benchmark.javaSerialization()).call());
    }

    @Test
    void theNoLaunchBackendWritesTheJobAndStartsNothing(@TempDir Path home) {
        Jobs jobs = Persist.jobs(home);
        Job<Integer> job = jobs.persist("written", NoLaunchBackend.ID, () -> 1);

        assertTrue(Files.isRegularFile(job.directory().resolve("task.bin")), "the task was written");
        assertEquals(JobStatus.FAILED, job.await(Duration.ofSeconds(10)));
        assertFalse(Files.exists(job.directory().resolve("started")), "nothing ran");
        job.cleanup();
        assertEquals(List.of(), jobs.list());
    }

    @Test
    void anUnknownClosureShapeIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SerializationBenchmark.task("big"));
        assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("list1000"), e.getMessage());
    }

    @Test
    void theLargeGraphHasDistinctRecords() {
        List<SerializationBenchmark.Point> graph = LargeFetch.graph(3);

        assertEquals(List.of("point-0", "point-1", "point-2"), graph.stream().map(SerializationBenchmark.Point::label).toList());
    }

    @Test
    void harnessOptionsSelectFiguresAndRefuseOthers() {
        Harness.Options options = Harness.Options.parse(new String[] {"--quick", "--only", "1,4"});

        assertEquals(Set.of(1, 4), options.only());
        assertTrue(options.runs(4) && !options.runs(2));
        assertEquals(20, options.persist());
        assertEquals(10_000, Harness.Options.parse(new String[0]).list());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Harness.Options.parse(new String[] {"--fast"}));
        assertTrue(unknown.getMessage().contains("'--fast'") && unknown.getMessage().contains("--quick"), unknown.getMessage());
        IllegalArgumentException figure = assertThrows(IllegalArgumentException.class,
                () -> Harness.Options.parse(new String[] {"--only", "7"}));
        assertTrue(figure.getMessage().contains("'7'"), figure.getMessage());
    }

    @Test
    void percentilesAreNearestRank() {
        Harness.Sample sample = new Harness.Sample(new double[] {5, 1, 4, 2, 3});

        assertEquals(3, sample.percentile(50));
        assertEquals(5, sample.percentile(99));
        assertEquals(1, sample.percentile(0));
    }
}
