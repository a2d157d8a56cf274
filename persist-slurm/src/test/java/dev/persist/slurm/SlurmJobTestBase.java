package dev.persist.slurm;

import dev.persist.JobOptions;
import dev.persist.core.JobTestBase;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of the integration tests on the private test cluster: a private home per test, see
 * {@link JobTestBase}; the cluster runs.
 */
@ExtendWith(SlurmCluster.class)
abstract class SlurmJobTestBase extends JobTestBase {

    /** Slurm starts batch jobs up to 3 s after submission (batch_sched_delay), and KillWait is 30 s. */
    static final Duration GENEROUS = Duration.ofSeconds(90);

    @Override
    protected Duration stopTimeout() {
        return GENEROUS;
    }

    static JobOptions slurm() {
        return JobOptions.backend("slurm");
    }

    /** A job that Slurm holds until it is released or cancelled. */
    static JobOptions held() {
        return slurm().option("sbatch.hold", "");
    }
}
