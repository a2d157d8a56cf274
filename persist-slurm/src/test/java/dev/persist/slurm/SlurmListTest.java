package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.core.JobTesting;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Status questions about many jobs cost one squeue call, counted at the command seam. */
class SlurmListTest extends SlurmJobTestBase {

    private static final int JOBS = 100;

    @Test
    void listingAHundredJobsAsksSqueueOnce() {
        CountingRunner runner = new CountingRunner();
        Jobs counted = JobTesting.jobs(home, new SlurmJobManager(new Slurm(runner, Slurm.Sleeper.THREAD), System::nanoTime));
        for (int i = 0; i < JOBS; i++) {
            counted.persist(String.format("held-%03d", i), held(), () -> 1);
        }
        assertEquals(Map.of("sbatch", JOBS), runner.calls());
        runner.reset();

        List<Job<?>> listed = counted.list();
        List<JobStatus> statuses = listed.stream().map(Job::status).toList();

        assertEquals(Map.of("squeue", 1), runner.calls(), "scheduler calls for list() and status() of each job");
        assertEquals(IntStream.range(0, JOBS).mapToObj(i -> String.format("held-%03d", i)).toList(),
                listed.stream().map(Job::name).toList());
        assertEquals(List.of(JobStatus.QUEUED), statuses.stream().distinct().toList());
    }
}
