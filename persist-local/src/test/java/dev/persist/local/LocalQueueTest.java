package dev.persist.local;

import static dev.persist.core.JobTesting.awaitFile;
import static dev.persist.local.LocalTestSupport.jobSession;
import static dev.persist.local.LocalTestSupport.signalProcessGroup;
import static dev.persist.local.LocalTestSupport.waitFor;
import static dev.persist.local.LocalTestSupport.waitForTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.PersistentTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The local backend runs at most as many jobs as slots allow; the others wait their turn. */
class LocalQueueTest extends LocalJobTestBase {

    /**
     * Records wall-clock start and end times (comparable across JVMs) around a wait for the
     * release file.
     */
    private static PersistentTask<String> timed(String startFile, String endFile, String releaseFile) {
        return () -> {
            LocalTestSupport.writeNow(startFile);
            while (!Files.exists(Path.of(releaseFile))) {
                Thread.sleep(20);
            }
            LocalTestSupport.writeNow(endFile);
            return "timed";
        };
    }

    private long time(String file) {
        return Long.parseLong(awaitFile(scratch.resolve(file), Duration.ofSeconds(5)));
    }

    /**
     * A command job (no JVM) that creates {@code <name>.started} in the scratch directory, then
     * waits until {@code release} exists.
     */
    private Job<Integer> held(String name, JobOptions options) {
        return jobs.submit(name, options, List.of("/bin/sh", "-c",
                ": > \"$1\"; while [ ! -e \"$2\" ]; do sleep 0.05; done",
                "sh", scratchFile(name + ".started"), scratchFile("release")));
    }

    private boolean started(String name) {
        return Files.exists(scratch.resolve(name + ".started"));
    }

    private void release() throws IOException {
        Files.createFile(scratch.resolve("release"));
    }

    /** Proves a job waited for its slot: it started only after the running jobs were released. */
    private void assertStartedAfterRelease(String name) throws IOException {
        FileTime started = Files.getLastModifiedTime(scratch.resolve(name + ".started"));
        FileTime released = Files.getLastModifiedTime(scratch.resolve("release"));
        assertTrue(started.compareTo(released) >= 0, name + " started at " + started + ", before the release at " + released);
    }

    @Test
    void singleSlotJobsRunOneAtATimeInSubmissionOrder() throws IOException {
        List<String> names = List.of("one", "two", "three");
        List<Job<String>> submitted = new ArrayList<>();
        for (String name : names) {
            submitted.add(jobs.persist(name, oneSlot(),
                    timed(scratchFile(name + ".start"), scratchFile(name + ".end"), scratchFile("release"))));
        }

        awaitFile(scratch.resolve("one.start"), GENEROUS);
        assertEquals(JobStatus.RUNNING, submitted.get(0).status(), () -> submitted.get(0).info());
        assertEquals(JobStatus.QUEUED, submitted.get(1).status(), () -> submitted.get(1).info());
        assertEquals(JobStatus.QUEUED, submitted.get(2).status(), () -> submitted.get(2).info());
        release();

        for (Job<String> job : submitted) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        }
        for (int i = 1; i < names.size(); i++) {
            long previousEnd = time(names.get(i - 1) + ".end");
            long start = time(names.get(i) + ".start");
            assertTrue(previousEnd <= start, names.get(i) + " started at " + start + ", before "
                    + names.get(i - 1) + " ended at " + previousEnd);
        }
    }

    @Test
    void manyQueuedJobsStartInSubmissionOrder() throws IOException {
        Path order = scratch.resolve("order");
        Job<Integer> gate = held("gate", oneSlot());
        waitFor(() -> started("gate"), GENEROUS, "the first job to start");
        List<String> names = IntStream.range(0, 20).mapToObj(i -> "job-" + i).toList();
        List<Job<Integer>> queued = new ArrayList<>();
        for (String name : names) {
            queued.add(jobs.submit(name, oneSlot(), List.of("/bin/sh", "-c",
                    "printf '%s\\n' \"$PERSIST_JOB_NAME\" >> \"$1\"", "sh", order.toString())));
        }
        for (Job<Integer> job : queued) {
            assertEquals(JobStatus.QUEUED, job.status(), job::info);
        }

        release();

        assertEquals(JobStatus.DONE, gate.await(GENEROUS), gate::info);
        for (Job<Integer> job : queued) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        }
        assertEquals(names, Files.readAllLines(order));
    }

    @Test
    void aJobsSlotCountLetsThatManyRunAtOnce() throws IOException {
        JobOptions twoSlots = local().option("slots", "2");
        Job<Integer> a = held("a", twoSlots);
        Job<Integer> b = held("b", twoSlots);
        Job<Integer> c = held("c", twoSlots);

        waitFor(() -> started("a") && started("b"), GENEROUS, "two jobs running at once");
        assertEquals(JobStatus.RUNNING, a.status(), a::info);
        assertEquals(JobStatus.RUNNING, b.status(), b::info);
        assertEquals(JobStatus.QUEUED, c.status(), c::info);

        release();

        for (Job<Integer> job : List.of(a, b, c)) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        }
        assertStartedAfterRelease("c");
    }

    @Test
    void theHomesConfigurationSetsTheDefaultSlotCount() throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve(LocalQueue.CONFIG), "# one job at a time on this machine\n" + LocalQueue.SLOTS_KEY + " = 1\n");
        Job<Integer> first = held("first", local());
        Job<Integer> second = held("second", local());

        waitFor(() -> started("first"), GENEROUS, "the first job to start");
        assertEquals(JobStatus.QUEUED, second.status(), second::info);

        release();

        assertEquals(JobStatus.DONE, first.await(GENEROUS), first::info);
        assertEquals(JobStatus.DONE, second.await(GENEROUS), second::info);
        assertStartedAfterRelease("second");
    }

    @Test
    void jobsKilledFromOutsideNeitherHoldTheirSlotNorTheirPlaceInTheQueue() throws IOException {
        Job<Integer> running = held("running", oneSlot());
        waitFor(() -> started("running"), GENEROUS, "the first job to start");
        Job<Integer> killedWhileQueued = held("killed-while-queued", oneSlot());
        Job<Integer> last = held("last", oneSlot());
        assertEquals(JobStatus.QUEUED, killedWhileQueued.status(), killedWhileQueued::info);
        assertEquals(JobStatus.QUEUED, last.status(), last::info);
        // Killed once its gate holds its ticket: a job killed before that holds its place for a minute.
        Path queueDir = LocalQueue.directory(home);
        waitFor(() -> ticketsOf(queueDir).stream().anyMatch(t -> t.toString().endsWith("-killed-while-queued.wait")
                && t.toFile().length() > 0), GENEROUS, "the job to take its ticket");

        signalProcessGroup(jobSession(killedWhileQueued), "KILL");
        assertEquals(JobStatus.FAILED, waitForTerminal(killedWhileQueued, GENEROUS), killedWhileQueued::info);
        signalProcessGroup(jobSession(running), "KILL");
        assertEquals(JobStatus.FAILED, waitForTerminal(running, GENEROUS), running::info);

        // The slot's lock died with its holder, and the dead ticket ahead of "last" is skipped.
        waitFor(() -> started("last"), GENEROUS, "the last job to start after the others were killed");
        release();
        assertEquals(JobStatus.DONE, last.await(GENEROUS), last::info);
        assertFalse(started("killed-while-queued"), "a job killed while queued ran anyway");
    }

    @Test
    void aTicketLeftByASubmitterThatDiedBeforeStartingItsJobHoldsTheQueueForAMinuteOnly() throws IOException {
        Path queueDir = LocalQueue.directory(home);
        Files.createDirectories(queueDir);
        Path ghost = Files.createFile(queueDir.resolve("000000000000000000001-ghost.wait"));
        Job<Integer> job = jobs.submit("behind-the-ghost", oneSlot(), List.of("true"));

        // The job's gate has taken its own ticket and waits behind the empty one.
        waitFor(() -> ticketsOf(queueDir).stream().anyMatch(t -> t.toString().endsWith("-behind-the-ghost.wait")
                && t.toFile().length() > 0), GENEROUS, "the job to take its ticket");
        assertEquals(JobStatus.QUEUED, job.status(), job::info);

        Files.setLastModifiedTime(ghost, FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertFalse(Files.exists(ghost), "the stale ticket was not removed");
        assertEquals(List.of(), ticketsOf(queueDir));
    }

    private static List<Path> ticketsOf(Path queueDir) {
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.filter(f -> f.toString().endsWith(".wait")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
