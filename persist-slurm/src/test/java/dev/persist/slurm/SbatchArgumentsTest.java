package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobOptions;
import dev.persist.spi.LaunchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The sbatch command line a job becomes, and the options the backend refuses. */
class SbatchArgumentsTest {

    private static final Path DIR = Path.of("/home/ann/.persist/jobs/fit");
    private static final List<String> WRAPPER = List.of("/bin/sh", DIR + "/run.sh", DIR.toString(), "0", "5", "java", "-cp",
            "a.jar", "dev.persist.core.Runner", DIR.toString());

    private static LaunchRequest request(Path dir, JobOptions options) {
        return new LaunchRequest(dir.getFileName().toString(), dir, Path.of("/home/ann/.persist"), WRAPPER,
                Path.of("/home/ann/work"), Map.of("OMP_NUM_THREADS", "8", "EVIL", "$(rm -rf ~)"),
                dir.resolve("stdout"), dir.resolve("stderr"), options);
    }

    @Test
    void everyOptionBecomesOneArgumentAndTheWrapperFollowsTheScript() throws IOException {
        JobOptions options = JobOptions.backend("slurm")
                .timeLimit(Duration.ofMinutes(90).plusSeconds(1))
                .cpus(8)
                .memory("16G")
                .option("partition", "compute")
                .option("account", "proj42")
                .option("qos", "long")
                .option("constraint", "intel&(ib|eth)")
                .option("gres", "gpu:a100:2")
                .option("gpus", "2")
                .option("sbatch.exclusive", "")
                .option("sbatch.mail-type", "END,FAIL")
                .option("sbatch.comment", "two words; $(not a shell)");

        List<String> argv = SbatchArguments.of(request(DIR, options), Path.of("/tmp/persist-sbatch-1.sh"));

        List<String> expected = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=fit",
                "--chdir=/home/ann/work", "--output=" + DIR + "/stdout", "--error=" + DIR + "/stderr",
                "--open-mode=append", "--export=ALL", "--no-requeue", "--signal=B:USR1@10", "--time=91",
                "--cpus-per-task=8", "--mem=16384M", "--partition=compute", "--account=proj42", "--qos=long",
                "--constraint=intel&(ib|eth)", "--gres=gpu:a100:2", "--gpus=2", "--exclusive", "--mail-type=END,FAIL",
                "--comment=two words; $(not a shell)", "/tmp/persist-sbatch-1.sh"));
        expected.addAll(WRAPPER);
        assertEquals(expected, argv);
        assertTrue(argv.stream().noneMatch(a -> a.contains("OMP_NUM_THREADS") || a.contains("rm -rf")),
                "the environment goes through sbatch's environment, never its arguments");
    }

    @ParameterizedTest(name = "{0} s -> {1} min")
    @CsvSource({"1, 1", "59, 1", "60, 1", "61, 2", "90, 2", "3600, 60", "86401, 1441"})
    void timeLimitsAreRoundedUpToWholeMinutes(long seconds, long minutes) {
        assertEquals(minutes, SbatchArguments.minutes(Duration.ofSeconds(seconds)));
    }

    @Test
    void percentSignsInPathsAreEscapedForSlurmsFilePatterns() throws IOException {
        Path dir = Path.of("/data/100% sure/jobs/p");

        List<String> argv = SbatchArguments.of(request(dir, JobOptions.backend("slurm")), Path.of("/tmp/s.sh"));

        assertTrue(argv.contains("--output=/data/100%% sure/jobs/p/stdout"), argv.toString());
        assertTrue(argv.contains("--error=/data/100%% sure/jobs/p/stderr"), argv.toString());
    }

    @Test
    void aBackslashInThePathIsRefusedBecauseSlurmCouldNotWriteTheOutput() {
        IOException e = assertThrows(IOException.class,
                () -> SbatchArguments.of(request(Path.of("/data/a\\b/jobs/p"), JobOptions.backend("slurm")), Path.of("/s")));

        assertEquals("Slurm cannot write the job's output to /data/a\\b/jobs/p/stdout: the path contains a backslash. "
                + "Use a Persist home without backslashes", e.getMessage());
    }

    @Test
    void unknownOptionsAreRefusedNamingWhatIsUnderstood() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SbatchArguments.validate(JobOptions.backend("slurm").option("slots", "2")));

        assertEquals("Unknown option 'slots' for backend 'slurm'; it understands partition, account, qos, constraint, "
                + "gres, gpus, and sbatch.NAME for any other long sbatch option --NAME (value empty for a flag), such as "
                + "sbatch.exclusive or sbatch.mail-type=END", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "sbatch.time, Option 'sbatch.time' is not allowed for backend 'slurm': use JobOptions.timeLimit(...)",
        "sbatch.partition, Option 'sbatch.partition' is not allowed for backend 'slurm': use the option 'partition'",
        "sbatch.output, Option 'sbatch.output' is not allowed for backend 'slurm': Persist sets --output itself",
        "sbatch.export, Option 'sbatch.export' is not allowed for backend 'slurm': Persist sets --export itself",
        "sbatch.array, Option 'sbatch.array' is not allowed for backend 'slurm': a Persist job is one Slurm job; "
                + "submit one Persist job per element instead",
        "sbatch.wrap, Option 'sbatch.wrap' is not allowed for backend 'slurm': Persist runs the job's own wrapper",
        "sbatch.requeue, Option 'sbatch.requeue' is not allowed for backend 'slurm': a Persist job runs once: "
                + "a second run would overwrite the first one's records"})
    void optionsPersistControlsCannotBeOverridden(String key, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SbatchArguments.validate(JobOptions.backend("slurm").option(key, "x")));

        assertEquals(message, e.getMessage());
    }

    @Test
    void abbreviationsOfOptionsPersistControlsAreRefusedToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SbatchArguments.validate(JobOptions.backend("slurm").option("sbatch.expor", "NONE")));

        assertEquals("Option 'sbatch.expor' is not allowed for backend 'slurm': sbatch would read --expor as --export, "
                + "and Persist sets --export itself", e.getMessage());
        SbatchArguments.validate(JobOptions.backend("slurm").option("sbatch.excl", "").option("sbatch.time-min", "5")
                .option("sbatch.gres-flags", "enforce-binding"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sbatch.", "sbatch.x", "sbatch.mail_type", "sbatch.-x", "sbatch.a.b"})
    void extraOptionNamesMustBeLongSbatchOptionNames(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SbatchArguments.validate(JobOptions.backend("slurm").option(key, "")));

        assertEquals("Invalid option '" + key + "' for backend 'slurm': after 'sbatch.' comes the name of a long sbatch "
                + "option, such as sbatch.exclusive or sbatch.mail-type (lower-case letters, digits and '-')", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", " debug"})
    void resourceValuesAreOneWord(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SbatchArguments.validate(JobOptions.backend("slurm").option("partition", value)));

        assertEquals("Invalid value '" + value + "' for option 'partition' of backend 'slurm': it must be one word, "
                + "without spaces (as for sbatch --partition)", e.getMessage());
    }
}
