package dev.persist.slurm;

import static dev.persist.slurm.SlurmTestSupport.assertMentions;
import static dev.persist.slurm.SlurmTestSupport.awaitFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.core.JobDir;
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
    void aJobStoppedAtItsTimeLimitIsFailedWithReasonTimeLimit() throws Exception {
        String hook = scratchFile("shutdown-hook");
        Job<Integer> job = jobs.persist("overrun", slurm().timeLimit(Duration.ofMinutes(1)), () -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    SlurmTestSupport.writeAtomically(hook, "ran");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            Thread.sleep(1_000_000);
            return 1;
        });
        assertMentions(job.info(), "of 1:00"); // --time=1, whether still pending or running

        assertEquals(JobStatus.FAILED, job.await(Duration.ofMinutes(3)));

        JobFailedException e = assertThrows(JobFailedException.class, job::fetch);
        assertMentions(e.reason(), "time limit");
        assertEquals("ran", awaitFile(Path.of(hook), Duration.ofSeconds(5)), "the task was stopped gracefully");
        Path marker = job.directory().resolve(JobDir.TIME_LIMIT);
        Duration ran = Duration.between(Files.getLastModifiedTime(job.directory().resolve(JobDir.STARTED)).toInstant(),
                Files.getLastModifiedTime(marker).toInstant());
        // The wrapper's own watchdog would fire at 60 s; Slurm's warning comes at 50 s at the latest.
        assertTrue(ran.compareTo(Duration.ofSeconds(57)) < 0, "stopped by Slurm's warning, after " + ran);
        assertMentions(job.info(), "time limit");
    }
}
