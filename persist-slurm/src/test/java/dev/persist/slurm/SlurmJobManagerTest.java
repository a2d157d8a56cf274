package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.persist.JobOptions;
import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import dev.persist.slurm.CommandRunner.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The backend's SPI methods over a stand-in runner: which commands they run, and what they make of the answers. */
class SlurmJobManagerTest {

    private final CommandRunner runner = mock(CommandRunner.class);
    private final AtomicLong clock = new AtomicLong();
    private final List<Duration> pauses = new ArrayList<>();
    private final SlurmJobManager manager = new SlurmJobManager(new Slurm(runner, pause -> {
        pauses.add(pause);
        clock.addAndGet(pause.toNanos());
    }), clock::get);

    private static JobRef job(String name, Map<String, String> handle) {
        Path dir = Path.of("/home/a/.persist/jobs", name);
        return new JobRef(name, dir, Path.of("/home/a/.persist"), handle, Instant.EPOCH);
    }

    private static JobRef job(String name, String id) {
        return job(name, Map.of("jobId", id));
    }

    private static List<String> startsWith(String program) {
        return argThat(argv -> argv != null && argv.get(0).equals(program));
    }

    private static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    private static String row(String id, String state) {
        return id + "|" + state + "|0|debug|0:01|1:00|n1|None\n";
    }

    @Test
    void itIsTheSlurmBackendAndChecksItsOptions() {
        assertEquals("slurm", manager.id());
        assertEquals(manager.id(), SlurmJobManager.class.getAnnotation(BackendName.class).value());
        manager.validate(JobOptions.backend("slurm").option("partition", "gpu"));
        assertThrows(IllegalArgumentException.class, () -> manager.validate(JobOptions.backend("slurm").option("slots", "1")));
    }

    @Test
    void aBatchOfJobsCostsOneSqueueAndOneSacctForTheForgottenOnes() throws IOException {
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(row("1", "RUNNING") + row("2", "PENDING")));
        when(runner.run(startsWith("sacct"), anyMap(), any()))
                .thenReturn(ok("3|OUT_OF_MEMORY|0:125|debug|00:10:00|01:00:00|n1|OutOfMemory\n"));

        Map<String, BackendState> states = manager.query(List.of(job("a", "1"), job("b", "2"), job("c", "3"),
                job("d", "4"), job("broken", Map.of("pid", "77"))));

        assertEquals(Phase.ACTIVE, states.get("a").phase());
        assertEquals(Phase.PENDING, states.get("b").phase());
        assertEquals(new BackendState(Phase.FAILED, "out of memory (Slurm job 3: OUT_OF_MEMORY, signal 125, OutOfMemory)"),
                states.get("c"));
        assertEquals(BackendState.of(Phase.GONE), states.get("d"));
        assertEquals(new BackendState(Phase.FAILED, "Job 'broken' has an invalid Slurm handle {pid=77}; expected a "
                + "numeric jobId (and optionally a cluster)"), states.get("broken"));
        verify(runner, times(1)).run(startsWith("squeue"), anyMap(), any());
        verify(runner).run(argThat(argv -> argv.get(0).equals("sacct") && argv.contains("--jobs=3,4")), anyMap(), any());
    }

    @Test
    void jobsOfSeveralClustersCostOneSqueuePerCluster() throws IOException {
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(row("1", "RUNNING")));
        when(runner.run(startsWith("sacct"), anyMap(), any())).thenReturn(new CommandResult(1, "",
                "Slurm accounting storage is disabled"));

        Map<String, BackendState> states = manager.query(List.of(job("a", Map.of("jobId", "1", "cluster", "east")),
                job("b", Map.of("jobId", "1", "cluster", "west")), job("c", Map.of("jobId", "2", "cluster", "west"))));

        assertEquals(Phase.ACTIVE, states.get("a").phase());
        assertEquals(Phase.ACTIVE, states.get("b").phase());
        assertEquals(Phase.GONE, states.get("c").phase());
        verify(runner).run(argThat(argv -> argv.contains("--clusters=east") && argv.contains("--jobs=1,1")), anyMap(), any());
        verify(runner).run(argThat(argv -> argv.contains("--clusters=west") && argv.get(0).equals("squeue")), anyMap(), any());
    }

    @Test
    void describeShowsSqueuesViewWhileSlurmKnowsTheJob() throws IOException {
        when(runner.run(startsWith("squeue"), anyMap(), any()))
                .thenReturn(ok("5|RUNNING|0|gpu|12:01|1:00:00|g3|None\n"), ok(""));
        when(runner.run(startsWith("sacct"), anyMap(), any())).thenReturn(new CommandResult(1, "",
                "Slurm accounting storage is disabled"));

        assertEquals("Slurm job 5, partition gpu: RUNNING, 12:01 of 1:00:00, on g3", manager.describe(job("a", "5")));
        clock.addAndGet(SqueueSnapshots.MAX_AGE.toNanos());
        assertEquals("Slurm job 5, no longer known to Slurm", manager.describe(job("a", "5")));
    }

    @Test
    void cancelRunsScancelThenWaitsUntilSqueueSaysTheJobStopped() throws IOException {
        when(runner.run(startsWith("scancel"), anyMap(), any())).thenReturn(ok(""));
        when(runner.run(startsWith("squeue"), anyMap(), any()))
                .thenReturn(ok(row("8", "RUNNING")), ok(row("8", "COMPLETING")), ok(row("8", "COMPLETING")),
                        ok(row("8", "CANCELLED")));

        manager.cancel(job("a", "8"));

        InOrder order = inOrder(runner);
        order.verify(runner).run(List.of("scancel", "8"), Map.of(), Slurm.TIMEOUT);
        order.verify(runner, times(4)).run(startsWith("squeue"), anyMap(), any());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), pauses);
    }

    @Test
    void aCancelledJobSqueueHasForgottenCountsAsStopped() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok(""));

        manager.cancel(job("a", "8"));

        verify(runner, times(1)).run(startsWith("squeue"), anyMap(), any());
    }

    @Test
    void aJobThatKeepsRunningAfterScancelIsAnError() throws IOException {
        when(runner.run(startsWith("scancel"), anyMap(), any())).thenReturn(ok(""));
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(row("8", "RUNNING")));

        IOException e = assertThrows(IOException.class, () -> manager.cancel(job("a", "8")));

        assertEquals("Slurm has not cancelled job 8 within 90 s of scancel: it is still RUNNING "
                + "(Slurm job 8, partition debug: RUNNING, 0:01 of 1:00, on n1)", e.getMessage());
    }

    @Test
    void aJobStillCompletingAfterTheWaitIsCancelledAndBeingCleanedUp() throws IOException {
        when(runner.run(startsWith("scancel"), anyMap(), any())).thenReturn(ok(""));
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(row("8", "COMPLETING")));

        manager.cancel(job("a", "8"));

        assertTrue(clock.get() > SlurmJobManager.CANCEL_CONFIRMATION.toNanos());
    }

    @Test
    void launchSubmitsTheFixedBatchScriptWithTheWrapperAsItsArguments() throws IOException {
        Path dir = Path.of("/home/a/.persist/jobs/fit");
        List<String> wrapper = List.of("/bin/sh", dir + "/run.sh", dir.toString(), "0", "5", "printenv", "X");
        LaunchRequest request = new LaunchRequest("fit", dir, dir.getParent().getParent(), wrapper, Path.of("/home/a"),
                Map.of("X", "a b"), dir.resolve("stdout"), dir.resolve("stderr"), JobOptions.backend("slurm"));
        List<String> script = new ArrayList<>();
        List<String> scriptContent = new ArrayList<>();
        when(runner.run(startsWith("sbatch"), anyMap(), any())).thenAnswer(call -> {
            List<String> argv = call.getArgument(0);
            String path = argv.get(argv.size() - wrapper.size() - 1);
            script.add(path);
            scriptContent.add(Files.readString(Path.of(path)));
            return ok("4242\n");
        });

        assertEquals(Map.of("jobId", "4242"), manager.launch(request));

        verify(runner).run(argThat(argv -> argv.subList(argv.size() - wrapper.size(), argv.size()).equals(wrapper)),
                argThat(env -> env.equals(Map.of("X", "a b"))), any());
        try (InputStream batch = SlurmJobManager.class.getResourceAsStream("batch.sh")) {
            assertEquals(new String(batch.readAllBytes()), scriptContent.get(0));
        }
        assertTrue(scriptContent.get(0).endsWith("\nexec \"$@\"\n"), scriptContent.get(0));
        assertFalse(Files.exists(Path.of(script.get(0))), "the temporary script is removed after submission");
    }

    @Test
    void homesOnNodeLocalPathsAreWarnedAbout() {
        assertEquals(Optional.empty(), SlurmJobManager.nodeLocalWarning(Path.of("/home/ann/.persist")));
        assertEquals(Optional.empty(), SlurmJobManager.nodeLocalWarning(Path.of("/tmpfiles/.persist")));
        for (String local : List.of("/tmp/h", "/var/tmp/h", "/dev/shm/h", "/run/user/1000/h", "/home/../tmp/h")) {
            String warning = SlurmJobManager.nodeLocalWarning(Path.of(local)).orElseThrow();
            assertTrue(warning.startsWith("The Persist home " + local + " is under /"), warning);
            assertTrue(warning.contains("Use a home on a file system the compute nodes share"), warning);
        }
    }
}
