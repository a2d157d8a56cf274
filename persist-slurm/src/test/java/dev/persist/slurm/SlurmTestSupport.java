package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.core.JobDir;
import dev.persist.core.JobRecord;
import dev.persist.slurm.CommandRunner.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Helpers for the tests against the real test cluster. Those taking {@code String} paths also
 * run inside jobs, in the runner JVM.
 */
final class SlurmTestSupport {

    private static final CommandRunner RUNNER = new ExecCommandRunner();

    private SlurmTestSupport() {
    }

    /** The Slurm job id recorded in the job's {@code job.json}. */
    static String slurmJobId(Job<?> job) {
        try {
            String json = Files.readString(job.directory().resolve(JobDir.JOB_JSON));
            String id = JobRecord.fromJson(json).handle().get("jobId");
            assertTrue(id != null && id.matches("[0-9]+"), () -> "no Slurm job id in " + json);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Slurm command directly (not through the backend) and returns its standard output. */
    static String slurm(String... command) {
        try {
            CommandResult result = RUNNER.run(List.of(command), Map.of(), Duration.ofSeconds(60));
            assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed: " + result.stderr());
            return result.stdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** squeue's row for a job ({@code id|STATE|...}), or empty once slurmctld has purged it. */
    static Optional<String> squeueRow(String id, String format) {
        String out = slurm("squeue", "--noheader", "--states=all", "--jobs=" + id + "," + id, "--Format=" + format);
        return out.lines().filter(l -> !l.isBlank()).findFirst();
    }

    /** Whether a process exists and is not a zombie. */
    static boolean processAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
