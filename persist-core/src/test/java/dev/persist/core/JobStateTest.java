package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStateTest {

    @TempDir
    Path tmp;

    private final JobRecord java = JobRecordTest.record(JobKind.JAVA, JobOptions.backend("local"));

    private JobDir dir(String... markers) throws IOException {
        JobDir dir = new JobDir(tmp);
        for (String marker : markers) {
            dir.mark(marker);
        }
        return dir;
    }

    private JobState ended(int exit, String... markers) throws IOException {
        JobDir dir = dir(markers);
        Files.writeString(dir.file(JobDir.EXIT), exit + "\n");
        return JobState.fromMarkers(dir, java).orElseThrow();
    }

    @Test
    void exitZeroWithAResultIsDone() throws IOException {
        assertEquals(new JobState(JobStatus.DONE, "", 0), ended(0, JobDir.RESULT));
    }

    @Test
    void exitZeroWithoutAResultIsAFailureNotDone() throws IOException {
        JobState state = ended(0);
        assertEquals(JobStatus.FAILED, state.status());
        assertTrue(state.reason().contains("System.exit(0)"), state.reason());
    }

    @Test
    void aCommandNeedsNoResultFile() throws IOException {
        JobDir dir = dir();
        Files.writeString(dir.file(JobDir.EXIT), "0\n");
        JobRecord command = JobRecordTest.record(JobKind.COMMAND, JobOptions.backend("local"));
        assertEquals(JobStatus.DONE, JobState.fromMarkers(dir, command).orElseThrow().status());
    }

    @Test
    void exitCodesSignalsAndExceptionsAreReasons() throws IOException {
        assertEquals(new JobState(JobStatus.FAILED, "exit code 3", 3), ended(3));
        Files.delete(tmp.resolve(JobDir.EXIT));
        assertEquals(new JobState(JobStatus.FAILED, "killed by signal 9 (KILL)", null), ended(137));
        Files.delete(tmp.resolve(JobDir.EXIT));
        Files.writeString(tmp.resolve(JobDir.ERROR_TXT), "java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)\n");
        JobState threw = ended(1, JobDir.FAILURE);
        assertEquals("the task threw java.lang.IllegalStateException: boom", threw.reason());
        assertEquals(1, threw.exitCode());
    }

    @Test
    void cancelAndTimeLimitMarkersExplainAnExit() throws IOException {
        assertEquals(JobStatus.CANCELLED, ended(143, JobDir.CANCEL_REQUESTED).status());
        Files.delete(tmp.resolve(JobDir.CANCEL_REQUESTED));
        Files.delete(tmp.resolve(JobDir.EXIT));
        JobRecord limited = JobRecordTest.record(JobKind.JAVA, JobOptions.backend("local").timeLimit(Duration.ofSeconds(90)));
        JobDir dir = dir(JobDir.TIME_LIMIT);
        Files.writeString(dir.file(JobDir.EXIT), "143\n");
        JobState state = JobState.fromMarkers(dir, limited).orElseThrow();
        assertEquals(new JobState(JobStatus.FAILED, "time limit of 90 s reached", null), state);
    }

    @Test
    void aLiveJobIsQueuedUntilItsWrapperStarts() throws IOException {
        JobDir dir = dir();
        BackendState active = BackendState.of(Phase.ACTIVE);
        assertEquals(JobStatus.QUEUED, JobState.fromBackend(dir, java, active, Instant.now()).status());
        dir.mark(JobDir.STARTED);
        assertEquals(JobStatus.RUNNING, JobState.fromBackend(dir, java, active, Instant.now()).status());
        assertEquals(JobStatus.QUEUED, JobState.fromBackend(dir, java, BackendState.of(Phase.PENDING), Instant.now()).status());
    }

    @Test
    void aJobGoneWithoutAnExitMarkerIsLostNotRunning() throws IOException {
        JobDir dir = dir(JobDir.STARTED);
        JobState state = JobState.fromBackend(dir, java, BackendState.of(Phase.GONE), Instant.now());
        assertEquals(JobStatus.FAILED, state.status());
        assertTrue(state.reason().startsWith("lost:"), state.reason());
        assertNull(state.exitCode());
        dir.mark(JobDir.CANCEL_REQUESTED);
        assertEquals(JobStatus.CANCELLED, JobState.fromBackend(dir, java, BackendState.of(Phase.GONE), Instant.now()).status());
    }

    @Test
    void aFailedSchedulerStateIsNeverDone() throws IOException {
        JobDir dir = dir(JobDir.STARTED);
        JobState state = JobState.fromBackend(dir, java, new BackendState(Phase.FAILED, "out of memory"), Instant.now());
        assertEquals(new JobState(JobStatus.FAILED, "out of memory", null), state);
        JobState completed = JobState.fromBackend(dir, java, BackendState.of(Phase.COMPLETED), Instant.now());
        assertEquals(JobStatus.FAILED, completed.status(), "completed without an exit marker is not DONE");
    }

    @Test
    void anExitMarkerWrittenWhileTheBackendWasAskedWins() throws IOException {
        JobDir dir = dir(JobDir.STARTED, JobDir.RESULT);
        Files.writeString(dir.file(JobDir.EXIT), "0\n");
        assertEquals(JobStatus.DONE, JobState.fromBackend(dir, java, BackendState.of(Phase.GONE), Instant.now()).status());
    }

    @Test
    void aSubmissionWithoutAHandleIsQueuedThenFailed() throws IOException {
        JobDir dir = dir();
        assertEquals(JobStatus.QUEUED, JobState.fromBackend(dir, java, null, java.submitted().plusSeconds(1)).status());
        JobState late = JobState.fromBackend(dir, java, null, java.submitted().plus(Duration.ofMinutes(2)));
        assertEquals(JobStatus.FAILED, late.status());
        assertTrue(late.reason().contains("submission did not complete"), late.reason());
    }

    @Test
    void aDamagedExitMarkerReadsAsFailedSoTheJobCanStillBeCleanedUp() throws IOException {
        JobDir dir = dir(JobDir.STARTED);
        Files.writeString(dir.file(JobDir.EXIT), "garbage\n");
        JobState state = JobState.fromMarkers(dir, java).orElseThrow();
        assertEquals(JobStatus.FAILED, state.status());
        assertEquals("the job directory is damaged: the exit marker " + dir.file(JobDir.EXIT)
                + " holds 'garbage', not an exit status", state.reason());
    }

    @Test
    void aFailureWithoutItsPrintedFormStillSaysWhatIsMissing() throws IOException {
        JobState state = ended(1, JobDir.FAILURE);
        assertEquals(JobStatus.FAILED, state.status());
        assertTrue(state.reason().startsWith("the task threw an exception (error.txt is unreadable: "), state.reason());
    }
}
