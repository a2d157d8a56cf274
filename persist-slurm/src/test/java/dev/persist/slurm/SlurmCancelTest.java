package dev.persist.slurm;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.core.JobTesting.awaitFile;
import static dev.persist.core.JobTesting.waitFor;
import static dev.persist.slurm.SlurmTestSupport.processAlive;
import static dev.persist.slurm.SlurmTestSupport.slurmJobId;
import static dev.persist.slurm.SlurmTestSupport.squeueRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.core.JobDir;
import dev.persist.core.JobTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cancel() of pending and running Slurm jobs: confirmed by Slurm, and nothing of the job is left. */
class SlurmCancelTest extends SlurmJobTestBase {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '=', value = {"sbatch.hold=''", "sbatch.begin=now+1hour"})
    void aPendingJobIsCancelledAndNeverRuns(String option, String value) {
        String ran = scratchFile("ran");
        Job<Integer> job = jobs.persist("pending", slurm().option(option, value), () -> {
            JobTesting.writeAtomically(ran, "ran");
            return 1;
        });
        String id = slurmJobId(job);
        assertEquals(JobStatus.QUEUED, job.status());
        assertMentions(job.info(), option.equals("sbatch.hold") ? "JobHeldUser" : "BeginTime");

        assertTrue(job.cancel());

        assertEquals(JobStatus.CANCELLED, job.status());
        squeueRow(id, "JobID:|,State:").ifPresent(row -> assertEquals(id + "|CANCELLED", row.strip()));
        JobFailedException e = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(JobStatus.CANCELLED, e.status());
        assertFalse(Files.exists(job.directory().resolve(JobDir.STARTED)), "the job never started");
        assertFalse(Files.exists(Path.of(ran)));
        assertFalse(job.cancel(), "a second cancel changes nothing");
        job.cleanup();
    }

    @Test
    void aRunningJobIsCancelledWithEveryProcessItStarted() {
        String jvmPid = scratchFile("jvm.pid");
        String childPid = scratchFile("child.pid");
        Job<Integer> job = jobs.persist("running", slurm(), () -> {
            Process child = new ProcessBuilder("sleep", "1000").start();
            JobTesting.writeAtomically(childPid, Long.toString(child.pid()));
            JobTesting.writeAtomically(jvmPid, Long.toString(ProcessHandle.current().pid()));
            Thread.sleep(1_000_000);
            return 1;
        });
        long jvm = Long.parseLong(awaitFile(Path.of(jvmPid), GENEROUS));
        long child = Long.parseLong(awaitFile(Path.of(childPid), GENEROUS));
        assertEquals(JobStatus.RUNNING, job.status());
        String info = job.info();
        assertMentions(info, "Slurm job " + slurmJobId(job) + ", partition debug: RUNNING");
        assertMentions(info, ", on " + SlurmTestSupport.slurm("hostname", "-s").strip());

        assertTrue(job.cancel());

        assertEquals(JobStatus.CANCELLED, job.status());
        waitFor(() -> Optional.of(true).filter(t -> !processAlive(jvm) && !processAlive(child)),
                Duration.ofSeconds(10), () -> "the job's JVM " + jvm + " and its child " + child + " to be gone");
        assertEquals(JobStatus.CANCELLED, job.await(Duration.ZERO));
        assertThrows(JobFailedException.class, job::fetch);
    }
}
