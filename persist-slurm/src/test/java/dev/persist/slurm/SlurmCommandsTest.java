package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.persist.slurm.CommandRunner.CommandResult;
import dev.persist.slurm.CommandRunner.CommandTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slurm's commands with a stand-in runner: the argument vectors, parsing of odd outputs, retries
 * of transient errors, and errors that must reach the user with Slurm's own words.
 */
class SlurmCommandsTest {

    private static final List<String> SBATCH = List.of("sbatch", "--parsable", "--job-name=j", "/tmp/s.sh", "true");
    private static final String OUTPUT = "/home/a/.persist/jobs/j/stdout";

    private final CommandRunner runner = mock(CommandRunner.class);
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    private final Slurm slurm = new Slurm(runner, pauses::add);

    private static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    private static CommandResult error(int code, String stderr) {
        return new CommandResult(code, "", stderr);
    }

    private static List<String> startsWith(String program) {
        return argThat(argv -> argv != null && argv.get(0).equals(program));
    }

    @Test
    void sbatchPrintsTheIdAndPerhapsTheCluster() throws IOException {
        when(runner.run(eq(SBATCH), anyMap(), any())).thenReturn(ok("4711\n"), ok("4712;west\n"));

        assertEquals(new SlurmId("4711", ""), slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));
        assertEquals(new SlurmId("4712", "west"), slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));
    }

    @Test
    void theJobsEnvironmentGoesToSbatchsEnvironment() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok("1\n"));

        slurm.submit(SBATCH, Map.of("TRICKY", "a b $HOME"), "j", OUTPUT, "");

        verify(runner).run(SBATCH, Map.of("TRICKY", "a b $HOME"), Slurm.TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Submitted batch job 12", "12;a b", "x7", "-1"})
    void anUnreadableAnswerFromSbatchIsAnErrorThatSaysTheJobMayExist(String stdout) throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok(stdout));

        IOException e = assertThrows(IOException.class, () -> slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));

        assertEquals("sbatch printed '" + stdout.strip() + "' where a job id was expected (id or id;cluster); "
                + "the job may have been submitted: check squeue", e.getMessage());
    }

    @Test
    void aRejectedJobIsAnErrorWithSbatchsMessageAndIsNotRetried() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(error(1, "sbatch: error: invalid partition specified: gpu\n"
                + "sbatch: error: Batch job submission failed: Invalid partition name specified\n"));

        IOException e = assertThrows(IOException.class, () -> slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));

        assertEquals("sbatch rejected the job: sbatch: error: invalid partition specified: gpu; "
                + "sbatch: error: Batch job submission failed: Invalid partition name specified", e.getMessage());
        verify(runner, times(1)).run(any(), anyMap(), any());
        assertEquals(List.of(), pauses);
    }

    @Test
    void aTransientRejectionIsRetriedWithGrowingPauses() throws IOException {
        when(runner.run(startsWith("sbatch"), anyMap(), any())).thenReturn(
                error(1, "sbatch: error: Batch job submission failed: Submission rate too high, please retry"),
                error(1, "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"),
                ok("99\n"));
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(""));

        assertEquals(new SlurmId("99", ""), slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));

        verify(runner, times(3)).run(eq(SBATCH), anyMap(), any());
        assertEquals(2, pauses.size());
        assertTrue(within(pauses.get(0), Slurm.BACKOFF.get(0)) && within(pauses.get(1), Slurm.BACKOFF.get(1)),
                pauses.toString());
    }

    @Test
    void afterATimeoutAJobTheControllerAcceptedAfterAllIsAdoptedNotSubmittedTwice() throws IOException {
        when(runner.run(startsWith("sbatch"), anyMap(), any()))
                .thenReturn(error(1, "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation"));
        when(runner.run(startsWith("squeue"), anyMap(), any()))
                .thenReturn(ok("300|/other/stdout\n301|" + OUTPUT + "\n"));

        assertEquals(new SlurmId("301", ""), slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));

        verify(runner, times(1)).run(eq(SBATCH), anyMap(), any());
        verify(runner).run(eq(List.of("squeue", "--noheader", "--states=all", "--name=j", "--Format=JobID:|,STDOUT:")),
                anyMap(), any());
    }

    @Test
    void aKilledSbatchCountsAsTransient() throws IOException {
        when(runner.run(startsWith("sbatch"), anyMap(), any()))
                .thenThrow(new CommandTimeoutException("sbatch did not finish within 60000 ms and was killed"))
                .thenReturn(ok("5\n"));
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(error(1, "squeue: error: Socket timed out"));

        assertEquals(new SlurmId("5", ""), slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));
    }

    @Test
    void transientErrorsThatDoNotGoAwayEndTheSubmissionAfterTheLastAttempt() throws IOException {
        when(runner.run(startsWith("sbatch"), anyMap(), any()))
                .thenReturn(error(1, "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation"));
        when(runner.run(startsWith("squeue"), anyMap(), any())).thenReturn(ok(""));

        IOException e = assertThrows(IOException.class, () -> slurm.submit(SBATCH, Map.of(), "j", OUTPUT, ""));

        assertEquals("sbatch rejected the job: sbatch: error: Batch job submission failed: Socket timed out on send/recv "
                + "operation (tried " + (Slurm.BACKOFF.size() + 1) + " times)", e.getMessage());
        verify(runner, times(Slurm.BACKOFF.size() + 1)).run(eq(SBATCH), anyMap(), any());
    }

    @Test
    void squeueGetsOneIdTwiceBecauseAnUnknownSingleIdIsAnError() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok(""));

        assertEquals(Map.of(), slurm.squeue("", List.of("42")));

        verify(runner).run(List.of("squeue", "--noheader", "--states=all", "--jobs=42,42",
                "--Format=" + SlurmJob.SQUEUE_FORMAT), Map.of(), Slurm.TIMEOUT);
    }

    @Test
    void squeueReadsItsRowsSkipsClusterHeadersAndKeepsOnlyTheJobsAskedFor() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok("CLUSTER: west\n"
                + "1|RUNNING|0|debug|0:05|1:00|n1|None\n\n2|PENDING|0|debug|0:00|1:00||Priority\n"
                + "3|RUNNING|0|debug|0:05|1:00|n1|None\n"));

        Map<String, SlurmJob> jobs = slurm.squeue("west", List.of("1", "2"));

        assertEquals(List.of("1", "2"), jobs.keySet().stream().sorted().toList());
        assertEquals("Priority", jobs.get("2").reason());
        verify(runner).run(List.of("squeue", "--clusters=west", "--noheader", "--states=all", "--jobs=1,2",
                "--Format=" + SlurmJob.SQUEUE_FORMAT), Map.of(), Slurm.TIMEOUT);
    }

    @Test
    void squeueOutputCutShortIsAnErrorNotAListOfVanishedJobs() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok("1|RUNNING|0|debug|0:05|1:00|n1|None\n2|RUNN"));

        IOException e = assertThrows(IOException.class, () -> slurm.squeue("", List.of("1", "2")));

        assertEquals("squeue printed a line Persist cannot read (expected 8 fields separated by '|'): '2|RUNN'",
                e.getMessage());
    }

    @Test
    void aFailingSqueueIsRetriedWhileTransientThenReportedWithItsMessage() throws IOException {
        when(runner.run(any(), anyMap(), any()))
                .thenReturn(error(1, "slurm_load_jobs error: Socket timed out on send/recv operation"))
                .thenReturn(error(1, "slurm_load_jobs error: Unable to contact slurm controller (connect failure)"))
                .thenReturn(ok("1|RUNNING|0|debug|0:05|1:00|n1|None\n"))
                .thenReturn(error(1, "squeue: error: Invalid user: nobody"));

        assertEquals(List.of("1"), List.copyOf(slurm.squeue("", List.of("1")).keySet()));
        IOException e = assertThrows(IOException.class, () -> slurm.squeue("", List.of("1")));

        assertEquals("squeue failed (exit code 1): squeue: error: Invalid user: nobody", e.getMessage());
        assertEquals(2, pauses.size());
    }

    @Test
    void aHangingSqueueIsKilledRetriedAndFinallyReported() throws IOException {
        when(runner.run(any(), anyMap(), any()))
                .thenThrow(new CommandTimeoutException("squeue did not finish within 60000 ms and was killed"));

        IOException e = assertThrows(IOException.class, () -> slurm.squeue("", List.of("1")));

        assertEquals("squeue did not finish within 60000 ms and was killed (tried " + (Slurm.BACKOFF.size() + 1) + " times)",
                e.getMessage());
    }

    @Test
    void idsThatDoNotFitInOneArgumentAreAskedInSeveralCalls() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok(""));
        List<String> tenThousand = IntStream.range(0, 10_000).mapToObj(i -> Integer.toString(1_000_000 + i)).toList();
        List<String> thirtyThousand = IntStream.range(0, 30_000).mapToObj(i -> Integer.toString(1_000_000 + i)).toList();

        slurm.squeue("", tenThousand);
        verify(runner, times(1)).run(any(), anyMap(), any());
        slurm.squeue("", thirtyThousand);
        verify(runner, times(4)).run(any(), anyMap(), any());
        assertTrue(Slurm.chunks(thirtyThousand).stream()
                .allMatch(chunk -> String.join(",", chunk).length() < Slurm.MAX_JOBS_ARGUMENT));
    }

    @Test
    void withoutAccountingSacctIsAskedOnceAndNeverAgain() throws IOException {
        when(runner.run(startsWith("sacct"), anyMap(), any()))
                .thenReturn(error(1, "Slurm accounting storage is disabled"));

        assertEquals(Map.of(), slurm.sacct("", List.of("1")));
        assertEquals(Map.of(), slurm.sacct("", List.of("2")));

        verify(runner, times(1)).run(startsWith("sacct"), anyMap(), any());
    }

    @Test
    void sacctKnowsWhatHappenedToJobsSqueueForgot() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok("7|TIMEOUT|0:15|debug|00:01:00|00:01:00|vm|TimeLimit\n"
                + "8|COMPLETED|0:0|debug|00:00:01|00:01:00|vm|None\n"));

        Map<String, SlurmJob> jobs = slurm.sacct("", List.of("7", "8"));

        assertEquals("TIMEOUT", jobs.get("7").state());
        assertEquals("COMPLETED", jobs.get("8").state());
        verify(runner).run(List.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=7,8",
                "--format=" + SlurmJob.SACCT_FORMAT), Map.of(), Slurm.TIMEOUT);
    }

    @Test
    void anAccountingOutageLeavesTheJobsUnknownAndAsksAgainNextTime() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(error(1, "sacct: error: slurmdbd: Connection refused"))
                .thenReturn(error(1, "sacct: error: Problem talking to the database: Connection refused"))
                .thenReturn(ok(""));

        assertEquals(Map.of(), slurm.sacct("", List.of("1")));
        assertEquals(Map.of(), slurm.sacct("", List.of("1")));
    }

    @Test
    void scancelErrorsAreReported() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenReturn(ok(""),
                error(1, "scancel: error: Kill job error on job id 5: Access/permission denied"));

        slurm.scancel(new SlurmId("5", "west"));
        IOException e = assertThrows(IOException.class, () -> slurm.scancel(new SlurmId("5", "")));

        verify(runner).run(List.of("scancel", "--clusters=west", "5"), Map.of(), Slurm.TIMEOUT);
        assertEquals("scancel failed (exit code 1): scancel: error: Kill job error on job id 5: Access/permission denied",
                e.getMessage());
        verify(runner, never()).run(startsWith("squeue"), anyMap(), any());
    }

    private static boolean within(Duration actual, Duration nominal) {
        return actual.compareTo(nominal.multipliedBy(3).dividedBy(4)) >= 0
                && actual.compareTo(nominal.multipliedBy(5).dividedBy(4)) <= 0;
    }
}
