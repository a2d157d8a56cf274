package dev.persist.slurm;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.core.JobTesting.waitFor;
import static dev.persist.slurm.SlurmTestSupport.slurmJobId;
import static dev.persist.slurm.SlurmTestSupport.squeueRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.core.JobTesting;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Jobs that slurmctld has purged from its memory (the test cluster's MinJobAge is 2 s; purging
 * runs every minute) read correctly from their own records. The test cluster has no accounting,
 * so sacct cannot help: the markers must.
 */
class SlurmPurgeTest extends SlurmJobTestBase {

    @Test
    void jobsSlurmHasForgottenReadFromTheirMarkers() {
        Job<String> done = jobs.persist("done", "slurm", () -> "kept");
        Job<Integer> failed = jobs.submit("failed", slurm(), List.of("sh", "-c", "exit 7"));
        String doneId = slurmJobId(done);
        String failedId = slurmJobId(failed);
        done.await(GENEROUS);
        failed.await(GENEROUS);

        waitFor(() -> Optional.of(true).filter(t -> squeueRow(doneId, "JobID:|,State:").isEmpty()
                && squeueRow(failedId, "JobID:|,State:").isEmpty()), Duration.ofMinutes(3),
                () -> "slurmctld to purge jobs " + doneId + " and " + failedId);

        Jobs fresh = JobTesting.jobs(home, new SlurmJobManager());
        Job<?> doneAgain = fresh.open("done");
        Job<?> failedAgain = fresh.open("failed");
        assertEquals(JobStatus.DONE, doneAgain.status());
        assertEquals("kept", doneAgain.fetch());
        assertMentions(doneAgain.info(), "Slurm job " + doneId + ", no longer known to Slurm");
        assertEquals(JobStatus.FAILED, failedAgain.status());
        JobFailedException e = assertThrows(JobFailedException.class, failedAgain::fetch);
        assertEquals(OptionalInt.of(7), e.exitCode());
        assertMentions(failedAgain.info(), "exit code 7");
    }
}
