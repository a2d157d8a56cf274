package dev.persist.local;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.local.LocalTestSupport.awaitPid;
import static dev.persist.local.LocalTestSupport.signalProcessGroup;
import static dev.persist.local.LocalTestSupport.waitForTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.RemoteException;
import dev.persist.local.LocalTestSupport.ProcessId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Jobs that end without a result read FAILED, and say why. */
class FailureTest extends LocalJobTestBase {

    private static JobFailedException fetchFails(Job<?> job, JobStatus expected) {
        JobFailedException failure = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(expected, failure.status());
        assertEquals(job.name(), failure.jobName());
        return failure;
    }

    private static void assertInfoMatches(Job<?> job, String regex) {
        String info = job.info();
        assertTrue(Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(info).find(),
                () -> "expected /" + regex + "/ in info():\n" + info);
    }

    @Test
    void fetchRethrowsTheRemoteExceptionWithItsCause() {
        Job<Object> job = jobs.persist("boom", "local", () -> {
            throw new IllegalStateException("boom", new IOException("disk"));
        });

        assertEquals(JobStatus.FAILED, job.await(GENEROUS), job::info);
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.isReady());
        JobFailedException failure = fetchFails(job, JobStatus.FAILED);
        assertEquals("java.lang.IllegalStateException", failure.remoteClassName().orElseThrow());
        assertEquals("boom", failure.remoteMessage().orElseThrow());
        String trace = failure.remoteStackTrace().orElseThrow();
        assertTrue(trace.contains("FailureTest.lambda$fetchRethrowsTheRemoteExceptionWithItsCause$"), trace);
        assertTrue(trace.contains("Caused by: java.io.IOException: disk"), trace);

        Throwable remote = failure.getCause();
        assertNotNull(remote, "the rebuilt remote exception");
        if (remote instanceof RemoteException standIn) {
            assertEquals("java.lang.IllegalStateException", standIn.remoteClassName());
        } else {
            assertInstanceOf(IllegalStateException.class, remote);
        }
        assertEquals("boom", remote.getMessage());
        assertNotNull(remote.getCause(), "the remote exception's cause");
        assertEquals("disk", remote.getCause().getMessage());

        ExecutionException viaFuture = assertThrows(ExecutionException.class, job::get);
        assertInstanceOf(JobFailedException.class, viaFuture.getCause());
        assertMentions(job.info(), "IllegalStateException");
    }

    @Test
    void systemExitMakesTheJobFailWithThatExitCode() {
        Job<Object> job = jobs.persist("exit3", "local", () -> {
            System.exit(3);
            return "unreachable";
        });

        assertEquals(JobStatus.FAILED, job.await(GENEROUS), job::info);
        JobFailedException failure = fetchFails(job, JobStatus.FAILED);
        assertEquals(OptionalInt.of(3), failure.exitCode());
        assertInfoMatches(job, "exit[^\\n]*\\b3\\b");
    }

    @Test
    void jobKilledBySignalFailsNamingTheSignal() {
        Job<Object> job = jobs.persist("suicide", "local", () -> {
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(60_000);
            return "unreachable";
        });

        assertEquals(JobStatus.FAILED, job.await(GENEROUS), job::info);
        fetchFails(job, JobStatus.FAILED);
        assertInfoMatches(job, "kill|signal\\W{0,3}9\\b|\\b137\\b");
    }

    @Test
    void jobWhoseProcessGroupIsKilledFromOutsideReadsFailedNotRunningForever() {
        String pidFile = scratchFile("pid");
        Job<String> job = jobs.persist("victim", local(), pidThenSleep(pidFile, Duration.ofMinutes(5)));
        long pgid = ProcessId.of(awaitPid(scratch.resolve("pid"))).processGroup();

        signalProcessGroup(pgid, "KILL");

        assertEquals(JobStatus.FAILED, waitForTerminal(job, GENEROUS), job::info);
        assertEquals(JobStatus.FAILED, job.await(Duration.ofSeconds(5)));
        fetchFails(job, JobStatus.FAILED);
        assertInfoMatches(job, "lost|kill|signal");
    }

    @Test
    void timeLimitStopsTheJobAndSaysSo() {
        long start = System.nanoTime();
        Job<String> job = jobs.persist("slow", local().timeLimit(Duration.ofSeconds(2)),
                pidThenSleep(scratchFile("pid"), Duration.ofSeconds(60)));

        assertEquals(JobStatus.FAILED, job.await(Duration.ofSeconds(30)), job::info);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(GENEROUS) < 0, "stopped after " + took);
        assertMentions(job.info(), "time limit");
        JobFailedException failure = fetchFails(job, JobStatus.FAILED);
        assertTrue(failure.reason().toLowerCase(Locale.ROOT).contains("time limit"), failure.reason());
    }

    /**
     * A job with a time limit that ends at once leaves no watchdog behind: one that missed being
     * told the job ended slept out the limit and then signalled the job's pid, which by then could
     * be any process's.
     */
    @Test
    void aJobThatEndsBeforeItsTimeLimitLeavesNoWatchdogBehind() {
        List<Job<Integer>> quick = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            quick.add(jobs.submit("quick-" + i, local().timeLimit(Duration.ofHours(1)), List.of("true")));
        }
        for (Job<Integer> job : quick) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
            long session = LocalTestSupport.jobSession(job);
            LocalTestSupport.waitFor(() -> LocalTestSupport.sessionMembers(session).isEmpty(), GENEROUS,
                    "the processes of job " + job.name() + " (session " + session + ") to end: "
                            + LocalTestSupport.sessionMembers(session));
        }
    }
}
