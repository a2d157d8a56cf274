package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.Jobs;
import dev.persist.Persist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integration tests on the private test cluster: each test gets its own Persist home and scratch
 * directory, and whatever it left running is cancelled afterwards.
 */
@ExtendWith(SlurmCluster.class)
abstract class SlurmJobTestBase {

    /** Slurm starts batch jobs up to 3 s after submission (batch_sched_delay), and KillWait is 30 s. */
    static final Duration GENEROUS = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    Path home;
    Path scratch;
    Jobs jobs;

    @BeforeEach
    void createHome() throws IOException {
        home = tmp.resolve("home");
        scratch = Files.createDirectory(tmp.resolve("scratch"));
        jobs = Persist.jobs(home);
    }

    @AfterEach
    void stopUnfinishedJobs() {
        if (!Files.isDirectory(home.resolve("jobs"))) {
            return;
        }
        List<String> unstoppable = new ArrayList<>();
        for (Job<?> job : jobs.list()) {
            if (!job.isReady()) {
                job.cancel();
                if (!job.await(GENEROUS).isTerminal()) {
                    unstoppable.add(job.name());
                }
            }
        }
        assertEquals(List.of(), unstoppable, "jobs still running after cancel()");
    }

    static JobOptions slurm() {
        return JobOptions.backend("slurm");
    }

    /** A job that Slurm holds until it is released or cancelled. */
    static JobOptions held() {
        return slurm().option("sbatch.hold", "");
    }

    /** A file in the scratch directory, as a string: tasks capture strings, never {@link Path}s. */
    String scratchFile(String name) {
        return scratch.resolve(name).toString();
    }
}
