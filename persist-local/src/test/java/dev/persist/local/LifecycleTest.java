package dev.persist.local;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.local.LocalTestSupport.awaitPid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.NoSuchJobException;
import dev.persist.Persist;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seed example and the everyday calls on a job, end to end on the local backend. */
class LifecycleTest extends LocalJobTestBase {

    @Test
    void seedExampleRunsDetachedAndIsReadBackByName() {
        Job<List<Integer>> job = jobs.persist("hello", "local", () -> {
            Thread.sleep(1_000);
            System.out.println("Hello, World!");
            System.err.println("a line on stderr");
            return List.of(42);
        });

        assertTrue(Set.of(JobStatus.QUEUED, JobStatus.RUNNING).contains(job.status()),
                () -> "right after persist: " + job.info());
        assertEquals("hello", job.name());
        assertEquals("local", job.backend());
        assertEquals(home.resolve("jobs").resolve("hello"), job.directory());

        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals(List.of(42), job.fetch());
        assertTrue(job.stdout().contains("Hello, World!"), job::stdout);
        assertTrue(job.stderr().contains("a line on stderr"), job::stderr);
        assertTrue(job.isReady());

        Job<?> again = Persist.jobs(home).open("hello");
        assertEquals(JobStatus.DONE, again.status());
        assertEquals("local", again.backend());
        assertTrue(again.isReady());
        assertEquals(List.of(42), again.fetch());
        assertTrue(again.stdout().contains("Hello, World!"), again::stdout);
        assertMentions(again.info(), "done");

        again.cleanup();
        assertFalse(Files.exists(job.directory()), "job directory after cleanup");
        NoSuchJobException gone = assertThrows(NoSuchJobException.class, () -> jobs.open("hello"));
        assertEquals("hello", gone.jobName());
        assertMentions(gone.getMessage(), "'hello'");
        assertThrows(NoSuchJobException.class, job::status, "status() of a cleaned-up job");
    }

    @Test
    void awaitWithTimeoutReturnsTheCurrentStatusOfARunningJobWhenTheTimeIsUp() {
        Job<String> job = jobs.persist("long", local(), pidThenSleep(scratchFile("pid"), Duration.ofMinutes(5)));
        awaitPid(scratch.resolve("pid"));

        long start = System.nanoTime();
        JobStatus status = job.await(Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(JobStatus.RUNNING, status, job::info);
        assertFalse(job.isReady());
        assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, "returned after " + took + ", before the timeout");
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "returned only after " + took);
    }

    @Test
    void listShowsTheJobsOfTheHomeInSubmissionOrder() {
        assertEquals(List.of(), jobs.list(), "a home without jobs");
        List<String> names = List.of("c-first", "a-second", "b-third");
        for (String name : names) {
            jobs.persist(name, "local", () -> name.length());
        }

        assertEquals(names, jobs.list().stream().map(Job::name).toList());
        for (Job<?> job : jobs.list()) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
            assertEquals(job.name().length(), job.fetch());
        }
        assertEquals(names, Persist.jobs(home).list().stream().map(Job::name).toList(), "from a fresh Jobs");
    }
}
