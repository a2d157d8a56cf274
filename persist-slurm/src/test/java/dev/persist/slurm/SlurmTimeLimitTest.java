package dev.persist.slurm;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.core.JobTesting.awaitFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.PersistentTask;
import dev.persist.core.JobDir;
import dev.persist.core.JobTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A time limit is hit. Slurm's limits have minute resolution, so this takes about a minute: Slurm
 * warns the job's wrapper (USR1) 10 to 40 s before the limit; the wrapper records the time limit
 * and stops the task gracefully (TERM: its shutdown hooks run).
 */
class SlurmTimeLimitTest extends SlurmJobTestBase {

    @Test
    void jobsStoppedAtTheirTimeLimitAreFailedWithReasonTimeLimit() throws Exception {
        String ownHook = scratchFile("own-limit");
        String partitionHook = scratchFile("partition-limit");
        // Both run at once: one with a limit of its own, one with the test cluster's 1-minute partition limit.
        Job<Integer> own = jobs.persist("own-limit", slurm().timeLimit(Duration.ofMinutes(1)), overrun(ownHook));
        Job<Integer> partition = jobs.persist("partition-limit", slurm().option("partition", "tiny"),
                overrun(partitionHook));
        assertMentions(own.info(), "of 1:00"); // --time=1, whether still pending or running
        assertMentions(partition.info(), "of 1:00");

        assertEquals(JobStatus.FAILED, own.await(Duration.ofMinutes(3)));
        assertEquals(JobStatus.FAILED, partition.await(Duration.ofMinutes(3)));

        assertStoppedGracefully(own, ownHook, "time limit of 60 s reached");
        assertStoppedGracefully(partition, partitionHook, "time limit reached");
    }

    /** A task that records when its JVM shuts down, then sleeps far longer than any limit here. */
    private static PersistentTask<Integer> overrun(String hook) {
        return () -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    JobTesting.writeAtomically(hook, "ran");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            Thread.sleep(1_000_000);
            return 1;
        };
    }

    private static void assertStoppedGracefully(Job<Integer> job, String hook, String reason) throws Exception {
        JobFailedException e = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(reason, e.reason());
        assertEquals("ran", awaitFile(Path.of(hook), Duration.ofSeconds(5)), "the task was stopped gracefully");
        Duration ran = Duration.between(Files.getLastModifiedTime(job.directory().resolve(JobDir.STARTED)).toInstant(),
                Files.getLastModifiedTime(job.directory().resolve(JobDir.TIME_LIMIT)).toInstant());
        // The wrapper's own watchdog would fire at 60 s; Slurm's warning comes at 50 s at the latest.
        assertTrue(ran.compareTo(Duration.ofSeconds(57)) < 0, "stopped by Slurm's warning, after " + ran);
        assertMentions(job.info(), reason);
    }
}
