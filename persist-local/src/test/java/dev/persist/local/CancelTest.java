package dev.persist.local;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.local.LocalTestSupport.assertForeignProcessGroup;
import static dev.persist.local.LocalTestSupport.awaitPid;
import static dev.persist.local.LocalTestSupport.sessionMembers;
import static dev.persist.local.LocalTestSupport.waitFor;
import static dev.persist.local.LocalTestSupport.waitForTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.PersistentTask;
import dev.persist.core.JobTesting;
import dev.persist.local.LocalTestSupport.ProcessId;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** cancel() stops a job and everything it started, and nothing else. */
class CancelTest extends LocalJobTestBase {

    /**
     * cancel() returns once the job's processes are gone (up to 5 s of TERM grace, then KILL);
     * the rest is slack for a loaded machine.
     */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

    /**
     * A task that starts {@code sleep 300} as a child, and another through {@code sh -c "... &"}
     * so that it is orphaned (reparented, still in the job's process group), records the pids
     * of both and of its own JVM, then sleeps.
     */
    private static PersistentTask<String> processTree(String dir) {
        return () -> {
            Process child = new ProcessBuilder("sleep", "300")
                    .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
            JobTesting.writeAtomically(dir + "/child.pid", Long.toString(child.pid()));
            new ProcessBuilder("sh", "-c", "sleep 300 & echo $! > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"",
                    "sh", dir + "/orphan.pid")
                    .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start().waitFor();
            LocalTestSupport.writeOwnPid(dir + "/jvm.pid");
            Thread.sleep(300_000);
            return "not cancelled";
        };
    }

    @Test
    void cancelKillsTheWholeProcessTree() {
        Job<String> job = jobs.persist("tree", local(), processTree(scratch.toString()));
        List<ProcessId> processes = Stream.of("child.pid", "orphan.pid", "jvm.pid")
                .map(file -> ProcessId.of(awaitPid(scratch.resolve(file))))
                .toList();
        long pgid = processes.get(2).processGroup();
        assertForeignProcessGroup(pgid);
        assertEquals(pgid, processes.get(1).processGroup(), "the orphan is still in the job's process group");
        assertEquals(JobStatus.RUNNING, job.status(), job::info);

        assertTrue(job.cancel(), "cancel() of a running job");

        waitFor(() -> processes.stream().noneMatch(ProcessId::isAlive), STOP_DEADLINE,
                "the job's JVM, child and orphan to be gone: " + processes);
        waitFor(() -> sessionMembers(pgid).isEmpty(), STOP_DEADLINE, "session " + pgid + " to be empty");
        assertEquals(JobStatus.CANCELLED, waitForTerminal(job, STOP_DEADLINE), job::info);
        assertEquals(JobStatus.CANCELLED, job.await(GENEROUS));
        assertTrue(job.isCancelled());
        JobFailedException failure = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(JobStatus.CANCELLED, failure.status());
        assertThrows(CancellationException.class, job::get);
        assertMentions(job.info(), "cancel");
        assertFalse(job.cancel(), "cancel() of a job already cancelled");
    }

    @Test
    void cancellingAFinishedJobChangesNothing() {
        Job<String> job = jobs.persist("quick", "local", () -> "done");
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);

        assertFalse(job.cancel(), "cancel() of a finished job");

        assertEquals(JobStatus.DONE, job.status());
        assertFalse(job.isCancelled());
        assertEquals("done", job.fetch());
    }

    @Test
    void cancellingAQueuedJobMeansItNeverRuns() {
        Job<String> first = jobs.persist("first", oneSlot(), pidThenSleep(scratchFile("first.pid"), Duration.ofMinutes(5)));
        awaitPid(scratch.resolve("first.pid"));
        String marker = scratchFile("second-ran");
        Job<String> second = jobs.persist("second", oneSlot(), () -> {
            JobTesting.writeAtomically(marker, "ran");
            return "ran";
        });
        assertEquals(JobStatus.QUEUED, second.status(), second::info);

        assertTrue(second.cancel(), "cancel() of a queued job");

        assertEquals(JobStatus.CANCELLED, waitForTerminal(second, STOP_DEADLINE), second::info);
        assertTrue(first.cancel());
        assertEquals(JobStatus.CANCELLED, waitForTerminal(first, STOP_DEADLINE), first::info);
        // The queue is first come, first served: once a later job has run, the cancelled one
        // would have run too, had it still been waiting.
        Job<String> third = jobs.persist("third", oneSlot(), () -> "third");
        assertEquals(JobStatus.DONE, third.await(GENEROUS), third::info);
        assertFalse(Files.exists(scratch.resolve("second-ran")), "the cancelled queued job ran");
        assertEquals(JobStatus.CANCELLED, second.status());
        assertThrows(CancellationException.class, second::get);
    }
}
