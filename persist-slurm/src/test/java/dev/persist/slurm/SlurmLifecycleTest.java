package dev.persist.slurm;

import static dev.persist.core.JobTesting.assertJobDirectories;
import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.slurm.SlurmTestSupport.slurmJobId;
import static dev.persist.slurm.SlurmTestSupport.squeueRow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.core.JobDir;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Java tasks and commands run as Slurm batch jobs, end to end, on the test cluster. */
class SlurmLifecycleTest extends SlurmJobTestBase {

    enum Colour { RED, GREEN }

    record Point(int x, int y) {
    }

    record Sample(String text, long big, double real, BigDecimal money, List<Integer> list, Map<String, Integer> map,
            int[] ints, Point point, Colour colour, Instant when, String nothing) {
    }

    @Test
    void theSeedExampleRunsAsABatchJobAndAnotherJvmReadsItBack() throws Exception {
        Job<List<Integer>> job = jobs.persist("hello", "slurm", () -> {
            Thread.sleep(2_000);
            System.out.println("Hello, World!");
            return List.of(42);
        });

        JobStatus early = job.status();
        assertTrue(early == JobStatus.QUEUED || early == JobStatus.RUNNING, "status right after persist: " + early);
        assertMentions(job.info(), "Slurm job " + slurmJobId(job));
        assertEquals("DONE\n[42]\nHello, World!\n", inAnotherJvm(home, "hello"));
        assertEquals(List.of(42), job.fetch());
        assertEquals(JobStatus.DONE, job.status());
        assertEquals("Hello, World!\n", job.stdout());
        assertTrue(job.info().lines().anyMatch(line -> line.matches("Exit code: +0")), job::info);
        job.cleanup();
        assertJobDirectories(home);
    }

    @Test
    void aFailingTaskIsFailedWithTheRemoteException() {
        Job<Integer> job = jobs.persist("fails", "slurm", () -> {
            throw new IllegalStateException("boom on slurm");
        });

        assertEquals(JobStatus.FAILED, job.await(GENEROUS));
        JobFailedException e = assertThrows(JobFailedException.class, job::fetch);
        assertEquals(JobStatus.FAILED, e.status());
        assertEquals(Optional.of(IllegalStateException.class.getName()), e.remoteClassName());
        assertEquals(Optional.of("boom on slurm"), e.remoteMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertMentions(job.stderr(), "boom on slurm");
        assertMentions(job.info(), "IllegalStateException: boom on slurm");
    }

    @Test
    void resultsOfOrdinaryTypesComeBack() {
        Instant when = Instant.parse("2024-02-29T12:34:56.789Z");
        Job<Sample> sample = jobs.persist("sample", "slurm", () -> new Sample("grüße ✓", Long.MAX_VALUE, -0.5,
                new BigDecimal("12345.6789"), List.of(1, 2, 3), Map.of("a", 1), new int[] {4, 5}, new Point(1, -1),
                Colour.GREEN, when, null));
        Job<Object> nothing = jobs.persist("nothing", "slurm", () -> null);

        Sample s = sample.fetch();
        assertEquals("grüße ✓", s.text());
        assertEquals(Long.MAX_VALUE, s.big());
        assertEquals(-0.5, s.real());
        assertEquals(new BigDecimal("12345.6789"), s.money());
        assertEquals(List.of(1, 2, 3), s.list());
        assertEquals(Map.of("a", 1), s.map());
        assertArrayEquals(new int[] {4, 5}, s.ints());
        assertEquals(new Point(1, -1), s.point());
        assertEquals(Colour.GREEN, s.colour());
        assertEquals(when, s.when());
        assertNull(s.nothing());
        assertNull(nothing.fetch());
        assertEquals(JobStatus.DONE, nothing.status());
    }

    @Test
    void commandJobsGetTheirEnvironmentVerbatimUnderAHomeWithOddCharacters() throws IOException {
        // Slurm expands %j in --output, and sbatch options come from the environment: neither may leak.
        Jobs odd = Persist.jobs(Files.createDirectories(tmp.resolve("odd %j 100% $HOME")).resolve("home"));
        String tricky = "a b $HOME \"q\" 'p' `x` %j --export=NONE";

        Job<Integer> ok = odd.submit("env", slurm().environment("TRICKY", tricky), List.of("printenv", "TRICKY"));
        Job<Integer> bad = odd.submit("exit3", slurm(), List.of("sh", "-c", "echo to stderr >&2; exit 3"));

        assertEquals(0, ok.fetch());
        assertEquals(tricky + "\n", ok.stdout());
        assertEquals(JobStatus.FAILED, bad.await(GENEROUS));
        JobFailedException e = assertThrows(JobFailedException.class, bad::fetch);
        assertEquals(OptionalInt.of(3), e.exitCode());
        assertEquals("to stderr\n", bad.stderr());
    }

    @Test
    void resourcesAndExtraArgumentsReachSlurmOneArgumentEach() {
        Job<Integer> job = jobs.persist("resources", held()
                .timeLimit(Duration.ofSeconds(90))
                .cpus(2)
                .memory("300M")
                .option("partition", "short")
                .option("sbatch.comment", "one argument; not a shell --wrap=x"), () -> 1);

        String row = squeueRow(slurmJobId(job), "NumCPUs:|,MinMemory:|,TimeLimit:|,Partition:|,Name:|,Comment:")
                .orElseThrow();
        assertEquals("2|300M|2:00|short|resources|one argument; not a shell --wrap=x", row.strip());
        assertEquals(JobStatus.QUEUED, job.status());
        assertMentions(job.info(), "JobHeldUser");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aJobWhoseDependencyFailedIsFailedInsteadOfQueuedForever() {
        Job<Integer> first = jobs.submit("first", slurm(), List.of("sh", "-c", "exit 1"));
        Job<Integer> second = jobs.submit("second", slurm().option("sbatch.dependency", "afterok:" + slurmJobId(first)),
                List.of("true"));

        assertEquals(JobStatus.FAILED, first.await(GENEROUS));
        assertEquals(JobStatus.FAILED, second.await(GENEROUS));

        JobFailedException e = assertThrows(JobFailedException.class, second::fetch);
        assertMentions(e.reason(), "its dependency can never be satisfied");
        assertFalse(Files.exists(second.directory().resolve(JobDir.STARTED)), "it never started");
        SlurmTestSupport.slurm("scancel", slurmJobId(second)); // Slurm keeps it pending until it is cancelled
    }

    /** Runs {@link OpenJob} in a new JVM and returns what it printed. */
    private static String inAnotherJvm(Path home, String name) throws IOException, InterruptedException {
        Path output = Files.createTempFile("open-job", ".out");
        Path errors = Files.createTempFile("open-job", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenJob.class.getName(), home.toString(), name)
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the other JVM did not finish");
            String printed = Files.readString(output);
            assertEquals(0, p.exitValue(), () -> printed + readQuietly(errors));
            return printed;
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }
}
