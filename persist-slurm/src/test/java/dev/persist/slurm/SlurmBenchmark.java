package dev.persist.slurm;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.core.JobDir;
import dev.persist.core.JobTesting;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures the Slurm backend on a running cluster and prints the numbers:
 * <ol>
 *   <li>submit-to-result time of a trivial Java job ({@code persist(() -> 1)} then {@code fetch()}),
 *       sequentially, split into the {@code persist()} call (sbatch), submission to the job's
 *       {@code started} marker (Slurm scheduling it), {@code started} to {@code exit} (the runner
 *       JVM) and {@code exit} to {@code fetch()} returning;
 *   <li>the scheduler calls, by program, made by {@code list()} and then {@code status()} of each
 *       of N pending (held) jobs, counted at the backend's command seam;
 *   <li>the squeue calls made while 20 threads each {@code await()} a different pending job for 10 s,
 *       against the same with a separate backend instance per thread, which shares nothing.
 * </ol>
 * Not a test: run it by hand, from the repository root, with the test cluster running:
 * <pre>
 * persist-slurm/src/test/cluster/slurm-test-cluster.sh start /tmp/persist-slurm-test
 * mvn -o -q -pl persist-slurm -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/slurm-bench.cp
 * SLURM_CONF=/tmp/persist-slurm-test/slurm.conf java \
 *     -cp persist-slurm/target/test-classes:persist-slurm/target/classes:$(cat /tmp/slurm-bench.cp) \
 *     dev.persist.slurm.SlurmBenchmark [--fetch 10] [--list 100]
 * </pre>
 */
public final class SlurmBenchmark {

    private static final int WAITERS = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CountingRunner runner = new CountingRunner();
    private final Path home;
    private final Jobs jobs;

    private SlurmBenchmark(Path home) {
        this.home = home;
        this.jobs = JobTesting.jobs(home, new SlurmJobManager(new Slurm(runner, Slurm.Sleeper.THREAD), System::nanoTime));
    }

    /**
     * @param args {@code --fetch N --list M}, each optional
     * @throws Exception if a measurement fails
     */
    public static void main(String[] args) throws Exception {
        int fetch = 10;
        int list = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--fetch" -> fetch = Integer.parseInt(args[i + 1]);
                case "--list" -> list = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; known: --fetch N, --list N");
            }
        }
        Path home = Files.createTempDirectory("persist-slurm-bench-");
        SlurmBenchmark benchmark = new SlurmBenchmark(home);
        PrintStream out = System.out;
        out.printf("Persist Slurm benchmark, %s; %s; SLURM_CONF=%s; nproc %d%n%n", Instant.now(),
                SlurmTestSupport.slurm("sbatch", "--version").strip(), System.getenv("SLURM_CONF"),
                Runtime.getRuntime().availableProcessors());
        try {
            benchmark.submitToResult(out, fetch);
            benchmark.schedulerCalls(out, list);
        } finally {
            benchmark.cancelAndCleanUp();
            try (Stream<Path> files = Files.walk(home)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void submitToResult(PrintStream out, int n) throws IOException {
        double[] total = new double[n];
        double[] persist = new double[n];
        double[] scheduled = new double[n];
        double[] ran = new double[n];
        double[] noticed = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Instant submitted = Instant.now();
            Job<Integer> job = jobs.persist("fetch-" + i, JobOptions.backend("slurm"), () -> 1);
            persist[i] = millisSince(start);
            if (job.fetch() != 1) {
                throw new IllegalStateException("fetch() did not return 1");
            }
            total[i] = millisSince(start);
            Instant fetched = Instant.now();
            Instant started = Files.getLastModifiedTime(job.directory().resolve(JobDir.STARTED)).toInstant();
            Instant exited = Files.getLastModifiedTime(job.directory().resolve(JobDir.EXIT)).toInstant();
            scheduled[i] = Duration.between(submitted, started).toNanos() / 1e6;
            ran[i] = Duration.between(started, exited).toNanos() / 1e6;
            noticed[i] = Duration.between(exited, fetched).toNanos() / 1e6;
            job.cleanup();
        }
        out.printf("1. submit-to-result of persist(\"fetch-i\", slurm, () -> 1).fetch(), sequential, n=%d (ms)%n", n);
        out.printf("   %-34s %9s %9s %9s%n", "", "median", "min", "max");
        row(out, "persist() call (sbatch)", persist);
        row(out, "submitted -> started marker", scheduled);
        row(out, "started -> exit marker (runner JVM)", ran);
        row(out, "exit marker -> fetch() returned", noticed);
        row(out, "total: persist() + fetch()", total);
        out.printf("   all totals: %s%n%n", Arrays.toString(Arrays.stream(total).mapToLong(Math::round).toArray()));
    }

    private void schedulerCalls(PrintStream out, int n) throws Exception {
        List<Job<Integer>> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(jobs.persist(String.format(Locale.ROOT, "held-%04d", i),
                    JobOptions.backend("slurm").option("sbatch.hold", ""), () -> 1));
        }
        runner.reset();
        long start = System.nanoTime();
        List<Job<?>> listed = jobs.list();
        double listMillis = millisSince(start);
        long queued = listed.stream().map(Job::status).filter(s -> s == JobStatus.QUEUED).count();
        double totalMillis = millisSince(start);
        Map<String, Integer> listCalls = runner.calls();
        out.printf("2. list() then status() of each of %d pending jobs%n", listed.size());
        out.printf("   scheduler calls: %s; QUEUED: %d; list() %.1f ms, list()+status() %.1f ms%n%n", listCalls, queued,
                listMillis, totalMillis);

        List<String> waited = held.subList(0, Math.min(WAITERS, held.size())).stream().map(Job::name).toList();
        runner.reset();
        Thread.sleep(SqueueSnapshots.MAX_AGE.toMillis()); // no answer from the listing is reused
        awaitAll(waited.stream().<Job<?>>map(jobs::open).toList());
        Map<String, Integer> shared = runner.calls();
        runner.reset();
        awaitAll(waited.stream().<Job<?>>map(name -> JobTesting.jobs(home, new SlurmJobManager(new Slurm(runner,
                Slurm.Sleeper.THREAD), System::nanoTime)).open(name)).toList());
        out.printf("3. %d threads each await(%d s) a different pending job%n", waited.size(), WAIT.toSeconds());
        out.printf("   scheduler calls: %s; baseline, nothing shared (a backend instance per thread): %s%n%n",
                shared, runner.calls());
    }

    /** Each job awaited by its own thread, all at once. */
    private static void awaitAll(List<Job<?>> waited) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(waited.size());
        try {
            List<Future<JobStatus>> waits = new ArrayList<>();
            for (Job<?> job : waited) {
                waits.add(threads.submit(() -> job.await(WAIT)));
            }
            for (Future<JobStatus> wait : waits) {
                wait.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private void cancelAndCleanUp() {
        for (Job<?> job : jobs.list()) {
            if (!job.isReady()) {
                job.cancel();
            }
            job.cleanup();
        }
    }

    private static void row(PrintStream out, String label, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        out.printf(Locale.ROOT, "   %-34s %9.0f %9.0f %9.0f%n", label, median, sorted[0], sorted[sorted.length - 1]);
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
