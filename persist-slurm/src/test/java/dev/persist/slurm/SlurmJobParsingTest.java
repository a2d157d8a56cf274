package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading squeue and sacct rows, and what every Slurm state means for a Persist job. */
class SlurmJobParsingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "PENDING, PENDING", "CONFIGURING, PENDING", "REQUEUED, PENDING", "REQUEUE_FED, PENDING",
        "REQUEUE_HOLD, PENDING", "RESV_DEL_HOLD, PENDING", "SPECIAL_EXIT, PENDING",
        "RUNNING, ACTIVE", "SUSPENDED, ACTIVE", "STOPPED, ACTIVE", "COMPLETING, ACTIVE", "STAGE_OUT, ACTIVE",
        "SIGNALING, ACTIVE", "RESIZING, ACTIVE",
        "COMPLETED, COMPLETED",
        "FAILED, FAILED", "TIMEOUT, FAILED", "OUT_OF_MEMORY, FAILED", "NODE_FAIL, FAILED", "BOOT_FAIL, FAILED",
        "DEADLINE, FAILED", "PREEMPTED, FAILED",
        "CANCELLED, CANCELLED", "REVOKED, GONE"})
    void everySlurmStateIsMapped(String state, Phase phase) throws IOException {
        assertEquals(phase, row("77|" + state + "|0|debug|0:05|1:00|node1|None").backendState().phase());
    }

    @Test
    void theTableAboveCoversEveryStateTheBackendKnows() {
        assertEquals(24, SlurmState.values().length, Arrays.toString(SlurmState.values()));
    }

    @ParameterizedTest
    @EnumSource(value = SlurmState.class, names = {"FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
        "DEADLINE", "PREEMPTED"})
    void aJobThatEndedBadlyIsNeverDoneAndSaysWhy(SlurmState state) throws IOException {
        BackendState mapped = row("77|" + state + "|256|debug|0:05|1:00|node1|NonZeroExitCode").backendState();

        assertEquals(Phase.FAILED, mapped.phase());
        assertTrue(mapped.detail().startsWith(state.words() + " (Slurm job 77: " + state.name()), mapped.detail());
    }

    @Test
    void timeoutReadsAsTheTimeLimit() throws IOException {
        assertEquals("time limit reached (Slurm job 9: TIMEOUT, TimeLimit)",
                row("9|TIMEOUT|0|debug|1:00|1:00|node1|TimeLimit").backendState().detail());
    }

    @Test
    void aDependencyThatCanNeverBeSatisfiedIsAFailureNotAQueue() throws IOException {
        BackendState mapped = row("12|PENDING|0|debug|0:00|UNLIMITED||DependencyNeverSatisfied").backendState();

        assertEquals(new BackendState(Phase.FAILED, "it can never start: its dependency can never be satisfied "
                + "(Slurm job 12 stays pending until cancelled: scancel 12)"), mapped);
    }

    @Test
    void pendingAndRunningJobsSayWhyAndWhere() throws IOException {
        assertEquals(new BackendState(Phase.PENDING, "Slurm job 5 pending (Priority)"),
                row("5|PENDING|0|debug|0:00|1:00||Priority").backendState());
        assertEquals(new BackendState(Phase.PENDING, "Slurm job 5 pending"),
                row("5|PENDING|0|debug|0:00|1:00||None").backendState());
        assertEquals(new BackendState(Phase.ACTIVE, "Slurm job 5 running on node[1-2]"),
                row("5|RUNNING|0|debug|0:07|1:00|node[1-2]|None").backendState());
        assertEquals(new BackendState(Phase.CANCELLED, "Slurm job 5 was cancelled"),
                row("5|CANCELLED|0|debug|0:00|1:00||None").backendState());
    }

    @Test
    void anUnknownStateKeepsTheJobAliveInsteadOfEndingIt() throws IOException {
        BackendState mapped = row("5|UNHEARD_OF|0|debug|0:00|1:00||None").backendState();

        assertEquals(new BackendState(Phase.ACTIVE, "Slurm job 5 is in state UNHEARD_OF, which Persist does not know"),
                mapped);
    }

    @Test
    void squeuesExitCodeIsARawWaitStatus() throws IOException {
        SlurmJob exited = row("18|FAILED|768|debug|0:01|UNLIMITED|vm|NonZeroExitCode");
        SlurmJob killed = row("19|FAILED|9|debug|0:01|UNLIMITED|vm|NonZeroExitCode");

        assertEquals(3, exited.exitCode());
        assertNull(exited.signal());
        assertNull(killed.exitCode());
        assertEquals(9, killed.signal());
        assertEquals("Slurm job 18, partition debug: FAILED (NonZeroExitCode), 0:01 of UNLIMITED, on vm, exit code 3",
                exited.describe());
        assertEquals("Slurm job 19, partition debug: FAILED (NonZeroExitCode), 0:01 of UNLIMITED, on vm, signal 9",
                killed.describe());
    }

    @Test
    void theReasonIsTheLastFieldAndMayContainAnything() throws IOException {
        SlurmJob job = row("5|PENDING|0|debug|0:00|1:00||ReqNodeNotAvail, UnavailableNodes:n[1-3]|odd|");

        assertEquals("ReqNodeNotAvail, UnavailableNodes:n[1-3]|odd|", job.reason());
        assertEquals("Slurm job 5, partition debug: PENDING (ReqNodeNotAvail, UnavailableNodes:n[1-3]|odd|), 0:00 of 1:00",
                job.describe());
    }

    @Test
    void sacctRowsSayExitAndSignalApartAndWhoCancelled() throws IOException {
        SlurmJob exited = SlurmJob.parseSacct("31|FAILED|3:0|debug|00:00:02|01:00:00|vm|None");
        SlurmJob signalled = SlurmJob.parseSacct("32|CANCELLED by 1000|0:15|debug|00:00:02|01:00:00|vm|None");
        SlurmJob memory = SlurmJob.parseSacct("33|OUT_OF_MEMORY|0:125|gpu|00:10:00|01:00:00|g7|OutOfMemory");

        assertEquals(3, exited.exitCode());
        assertNull(exited.signal());
        assertEquals(15, signalled.signal());
        assertNull(signalled.exitCode());
        assertEquals(new BackendState(Phase.CANCELLED, "Slurm job 32 was cancelled by uid 1000"), signalled.backendState());
        assertEquals(new BackendState(Phase.FAILED, "out of memory (Slurm job 33: OUT_OF_MEMORY, signal 125, OutOfMemory)"),
                memory.backendState());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "77", "77|RUNNING", "77|RUNNING|0|debug|0:05|1:00|node1", "|RUNNING|0|debug|0:05|1:00|n|None",
        "77||0|debug|0:05|1:00|n|None", "squeue: error: Invalid job id specified"})
    void truncatedOrForeignRowsAreErrorsNotMissingJobs(String line) {
        IOException e = assertThrows(IOException.class, () -> SlurmJob.parseSqueue(line));

        assertEquals("squeue printed a line Persist cannot read (expected 8 fields separated by '|'): '" + line + "'",
                e.getMessage());
    }

    @Test
    void nonNumericExitCodesAreUnknownRatherThanZero() throws IOException {
        SlurmJob job = row("77|COMPLETED|N/A|debug|0:05|1:00|n|None");

        assertNull(job.exitCode());
        assertNull(job.signal());
        assertEquals(Optional.of(SlurmState.COMPLETED), job.slurmState());
    }

    @Test
    void statesParseWithTheirDecorations() {
        assertEquals(Optional.of(SlurmState.CANCELLED), SlurmState.parse("CANCELLED by 0"));
        assertEquals(Optional.of(SlurmState.RUNNING), SlurmState.parse(" running "));
        assertEquals(Optional.empty(), SlurmState.parse("RUNNING+"));
        assertEquals(Optional.empty(), SlurmState.parse(""));
    }

    private static SlurmJob row(String line) throws IOException {
        return SlurmJob.parseSqueue(line);
    }
}
