package dev.persist.slurm;

import static dev.persist.core.JobTesting.assertJobDirectories;
import static dev.persist.core.JobTesting.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.PersistException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sbatch rejecting a job is a clear error carrying sbatch's message; nothing is left on disk and
 * the name is free again.
 */
class SlurmSubmitErrorTest extends SlurmJobTestBase {

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(slurm().option("partition", "nosuchpartition"), "Invalid partition name specified"),
                Arguments.of(slurm().memory("100T"), "Requested node configuration is not available"),
                Arguments.of(slurm().option("partition", "short").timeLimit(Duration.ofHours(1)),
                        "Requested time limit is invalid"),
                Arguments.of(slurm().option("sbatch.begin", "not-a-time"), "Invalid --begin specification"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void sbatchRejectingTheJobLeavesNothingBehind(JobOptions options, String message) {
        PersistException e = assertThrows(PersistException.class, () -> jobs.persist("rejected", options, () -> 1));

        assertMentions(e.getMessage(), "Backend 'slurm' could not start job 'rejected': sbatch rejected the job:");
        assertMentions(e.getMessage(), message);
        assertJobDirectories(home);
        Job<Integer> again = jobs.persist("rejected", held(), () -> 1);
        assertEquals(JobStatus.QUEUED, again.status(), "the name is free again");
    }

    @Test
    void optionsTheBackendDoesNotUnderstandAreRejectedBeforeAnythingIsWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> jobs.persist("odd", slurm().option("partion", "debug"), () -> 1));

        assertEquals("Unknown option 'partion' for backend 'slurm'; it understands partition, account, qos, "
                + "constraint, gres, gpus, and sbatch.NAME for any other long sbatch option --NAME (value empty for "
                + "a flag), such as sbatch.exclusive or sbatch.mail-type=END", e.getMessage());
        assertJobDirectories(home);
    }
}
