package dev.persist.bench;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.PersistentTask;
import dev.persist.core.JobDir;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The in-process and whole-JVM figures of {@code bench/run.sh}, each measured next to a baseline in
 * the same run, alternating with it, so that both see the same machine:
 * <ol>
 *   <li>{@code persist()} of {@code () -> 1}, against {@code ProcessBuilder("setsid", "sh", "-c", "true").start()};
 *       and {@code persist()} into {@link NoLaunchBackend}, which starts nothing: what {@code persist()}
 *       costs apart from starting the job's process;
 *   <li>{@code persist()} then {@code fetch()}, against starting a bare JVM with the same class path and waiting for it;
 *       and where the time goes, from the modification times of the job's {@code started}, {@code result.bin}
 *       and {@code exit} markers;
 *   <li>how long after a command job's {@code exit} marker was written {@code await()} returns, against a bare
 *       {@link WatchService} waiting for the same marker written the same way;
 *   <li>{@code list()} plus {@code status()} of many finished jobs (copies of one real job's directory),
 *       against reading each one's {@code job.json} and {@code exit}; and the processes created meanwhile
 *       ({@code processes} in {@code /proc/stat}, which counts threads too, less the threads this JVM
 *       started), the least of three runs, against an idle interval as long;
 *   <li>{@code fetch()} of a large {@code double[]} and of a large object graph in a fresh JVM (the graph also with
 *       the heaps touched ahead), against
 *       reading the result file's bytes raw in a fresh JVM: throughput and peak RSS ({@code VmHWM}); and the graph's
 *       fetch against a fresh JVM building the same graph;
 *   <li>(JMH: {@link SerializationBenchmark});
 *   <li>(whole commands: {@code bench/run.sh});
 *   <li>(whole commands: {@code bench/run.sh});
 *   <li>with {@code --slurm}: 100 command jobs {@code true} submitted to Slurm, then {@code list()} plus
 *       {@code status()} of them, against {@code sbatch --wrap true} 100 times; the scheduler calls are
 *       counted by the wrappers {@code bench/run.sh} puts first on the {@code PATH}, which append each
 *       call's program name to the file {@code $PERSIST_BENCH_CALLS}.
 * </ol>
 * It prints one row per figure, tab-separated: figure, measured, baseline, ratio, target, met
 * ({@code yes}, {@code NO} or {@code -}); notes go to standard error. Medians and percentiles are
 * nearest-rank. It works in a fresh private home with {@code local.slots=2} and deletes it at the end.
 * Run it with {@code bench/run.sh} (which passes {@code --quick} on for smaller counts).
 */
public final class Harness {

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(30);
    /** Both sides of figure 3 write their marker as run.sh does: a temporary file, then a rename. */
    private static final String SLEEP_THEN_MARK =
            "sleep 0.3; printf '0\\n' > \"$1/exit.tmp\" && mv -f \"$1/exit.tmp\" \"$1/exit\"";
    private static final int LIST_RUNS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String CALLS_LOG = "PERSIST_BENCH_CALLS";

    private final Options options;
    private final Path home;
    private final Path scratch;
    private final Path childOutput;
    private final Jobs jobs;
    private final PrintStream out;

    private Harness(Options options, Path home, PrintStream out) throws IOException {
        this.options = options;
        this.home = home;
        this.out = out;
        this.scratch = Files.createDirectory(home.resolve("benchmark-scratch"), PRIVATE);
        this.childOutput = scratch.resolve("children.out");
        Files.writeString(home.resolve("config.properties"), "local.slots=2\n");
        this.jobs = Persist.jobs(home);
    }

    /**
     * @param args {@code [--quick] [--slurm] [--only FIGURES]}, or (for the child JVMs of figure 5)
     *     {@code --child-fetch HOME NAME}, {@code --child-raw FILE} or {@code --child-build SIZE}
     * @throws Exception if a measurement fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].startsWith("--child-")) {
            LargeFetch.child(args);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path home = Files.createTempDirectory("persist-bench-", PRIVATE);
        try {
            Harness harness = new Harness(options, home, System.out);
            try {
                harness.run();
            } finally {
                harness.stopUnfinishedJobs();
            }
        } finally {
            deleteRecursively(home);
        }
    }

    private void run() throws Exception {
        note("home %s (local.slots=2); %s", home, options);
        if (options.runs(1)) {
            persistLatency();
        }
        if (options.runs(2)) {
            persistAndFetch();
        }
        if (options.runs(3)) {
            completionNoticed();
        }
        if (options.runs(4)) {
            listAndStatus();
        }
        if (options.runs(5)) {
            new LargeFetch(jobs, home, options.largeDoubles(), options.graphSize(), options.largeRuns(), out).run();
        }
        if (options.slurm() && options.runs(9)) {
            slurm();
        }
    }

    private static void note(String format, Object... args) {
        System.err.printf("harness: " + format + "%n", args);
    }

    // ---- figure 1 ------------------------------------------------------------------------

    private void persistLatency() throws Exception {
        int n = options.persist();
        List<Process> spawned = new ArrayList<>();
        Comparison c = interleave(n,
                i -> timed(() -> jobs.persist("persist-" + i, "local", trivialTask())),
                i -> timed(() -> spawned.add(spawnTrue())));
        String vs = " vs setsid sh -c true (ProcessBuilder.start)";
        double median = c.subject().percentile(50);
        Row.print(out, "1. persist() latency, calls back to back (their jobs queue up), median of " + n + vs, ms(median),
                ms(c.baseline().percentile(50)), ratio(median, c.baseline().percentile(50)), "<= 5 ms", median <= 5);
        Row.print(out, "1. persist() latency, calls back to back, p99 of " + n + vs, ms(c.subject().percentile(99)),
                ms(c.baseline().percentile(99)), ratio(c.subject().percentile(99), c.baseline().percentile(99)), "report", null);
        for (Process p : spawned) {
            p.waitFor();
        }
        for (Job<?> job : jobs.list()) {
            job.await();
        }
        // What a user who calls persist() now and then feels: each job (and process) over before the
        // next call, which then does not compete for the processors with the JVMs of the jobs before it.
        Comparison alone = interleave(n, i -> {
            long start = System.nanoTime();
            Job<Integer> job = jobs.persist("alone-" + i, "local", trivialTask());
            double millis = millisSince(start);
            job.await();
            return millis;
        }, i -> timedSpawnAndWait());
        double aloneMedian = alone.subject().percentile(50);
        Row.print(out, "1. persist() latency, each job over before the next call, median of " + n + vs,
                ms(aloneMedian), ms(alone.baseline().percentile(50)), ratio(aloneMedian, alone.baseline().percentile(50)),
                "<= 5 ms", aloneMedian <= 5);
        // What persist() costs apart from starting the process: the same task into a backend that starts nothing.
        Comparison own = interleave(n,
                i -> timed(() -> jobs.persist("no-launch-" + i, NoLaunchBackend.ID, trivialTask())),
                i -> timedSpawnAndWait());
        double ownMedian = own.subject().percentile(50);
        Row.print(out, "1. persist() without starting the job (a backend that starts nothing), median of " + n + vs,
                ms(ownMedian), ms(own.baseline().percentile(50)), ratio(ownMedian, own.baseline().percentile(50)),
                "report", null);
        awaitAndCleanUpAll();
    }

    private Process spawnTrue() throws IOException {
        return start(List.of("setsid", "sh", "-c", "true"));
    }

    /** @return how long starting {@code setsid sh -c true} took; returns once it has exited */
    private double timedSpawnAndWait() throws Exception {
        long start = System.nanoTime();
        Process process = spawnTrue();
        double millis = millisSince(start);
        process.waitFor();
        return millis;
    }

    // ---- figure 2 ------------------------------------------------------------------------

    private void persistAndFetch() throws Exception {
        int n = options.fetch();
        double[][] phases = new double[Phase.values().length][n];
        Comparison c = interleave(n, i -> {
            Instant called = Instant.now();
            long start = System.nanoTime();
            Job<Integer> job = jobs.persist("fetch-" + i, "local", trivialTask());
            expectOne(job.fetch());
            double millis = millisSince(start);
            Instant fetched = Instant.now();
            Instant previous = called;
            for (Phase phase : Phase.values()) {
                Instant end = phase.marker == null ? fetched
                        : Files.getLastModifiedTime(job.directory().resolve(phase.marker)).toInstant();
                phases[phase.ordinal()][i] = Duration.between(previous, end).toNanos() / 1e6;
                previous = end;
            }
            return millis;
        }, i -> timed(this::runBareJvm));
        double s = c.subject().percentile(50);
        double b = c.baseline().percentile(50);
        Row.print(out, "2. persist() to fetch() of () -> 1, median of " + n + " vs bare java, same class path, empty main",
                ms(s), ms(b), ratio(s, b), "<= 1.5x", s <= 1.5 * b);
        StringBuilder where = new StringBuilder();
        for (Phase phase : Phase.values()) {
            where.append(where.length() == 0 ? "" : ", ").append(phase.what).append(' ')
                    .append(ms(new Sample(phases[phase.ordinal()]).percentile(50)));
        }
        double jvm = new Sample(phases[Phase.RESULT_WRITTEN.ordinal()]).percentile(50)
                + new Sample(phases[Phase.EXITED.ordinal()]).percentile(50);
        Row.print(out, "2. where it goes (medians, from the modification times of the job's markers): " + where
                + "; the job's JVM (its run and exit) vs the bare java", ms(jvm), ms(b), ratio(jvm, b), "report", null);
        awaitAndCleanUpAll();
    }

    /** Figure 2's phases, each ending when its marker file was last written (the last: when fetch() returned). */
    private enum Phase {
        STARTED(JobDir.STARTED, "to the wrapper's start"),
        RESULT_WRITTEN(JobDir.RESULT, "then to the result written"),
        EXITED(JobDir.EXIT, "then to the exit marker"),
        FETCHED(null, "then to fetch() returned");

        final String marker;
        final String what;

        Phase(String marker, String what) {
            this.marker = marker;
            this.what = what;
        }
    }

    private static void expectOne(Integer result) {
        if (!Integer.valueOf(1).equals(result)) {
            throw new IllegalStateException("fetch() returned " + result + ", expected 1");
        }
    }

    private void runBareJvm() throws Exception {
        Process jvm = start(List.of(java(), "-cp", System.getProperty("java.class.path"), Noop.class.getName()));
        int code = jvm.waitFor();
        if (code != 0) {
            throw new IllegalStateException("The bare JVM exited with " + code + "; see " + childOutput);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---- figure 3 ------------------------------------------------------------------------

    private void completionNoticed() throws Exception {
        int n = options.await();
        Comparison c = interleave(n, this::awaitCommandJob, this::watchMarker);
        double s = c.subject().percentile(50);
        Row.print(out, "3. completion noticed after the exit marker (await()), median of " + n
                + " vs bare WatchService", ms(s), ms(c.baseline().percentile(50)),
                ratio(s, c.baseline().percentile(50)), "<= 50 ms", s <= 50);
        awaitAndCleanUpAll();
    }

    private double awaitCommandJob(int i) throws IOException {
        Job<Integer> job = jobs.submit("await-" + i, JobOptions.backend("local"), List.of("sh", "-c", "sleep 0.3"));
        JobStatus status = job.await();
        Instant noticed = Instant.now();
        if (status != JobStatus.DONE) {
            throw new IllegalStateException("Command job ended " + status + ":\n" + job.info());
        }
        return millisSinceModified(job.directory().resolve("exit"), noticed);
    }

    private double watchMarker(int i) throws Exception {
        Path dir = Files.createDirectory(scratch.resolve("watch-" + i), PRIVATE);
        Path marker = dir.resolve("exit");
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            Process writer = start(List.of("sh", "-c", SLEEP_THEN_MARK, "sh", dir.toString()));
            Instant noticed = awaitCreation(watcher, marker);
            writer.waitFor();
            return millisSinceModified(marker, noticed);
        }
    }

    /** Waits as Persist does: on each event, checks whether the marker exists. */
    private static Instant awaitCreation(WatchService watcher, Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            WatchKey key = watcher.poll(WATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (key == null) {
                throw new IllegalStateException(file + " did not appear within " + WATCH_TIMEOUT);
            }
            key.pollEvents();
            key.reset();
        }
        return Instant.now();
    }

    private static double millisSinceModified(Path file, Instant noticed) throws IOException {
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        return Duration.between(modified, noticed).toNanos() / 1e6;
    }

    // ---- figure 4 ------------------------------------------------------------------------

    private void listAndStatus() throws Exception {
        Job<Integer> template = jobs.persist("template", "local", trivialTask());
        expectOne(template.fetch());
        long start = System.nanoTime();
        int copies = options.list() - 1;
        for (int i = 0; i < copies; i++) {
            copyJob(template.directory(), String.format(Locale.ROOT, "copy-%06d", i));
        }
        note("figure 4: %d finished jobs made by copying the directory of one real finished local job"
                + " (a new name in each job.json) in %.1f s", options.list(), millisSince(start) / 1000);
        int listed = options.list();
        double firstMillis = 0;
        long leastForks = Long.MAX_VALUE;
        long leastIdleForks = Long.MAX_VALUE;
        for (int run = 0; run < LIST_RUNS; run++) {
            long forksBefore = forks();
            long threadsBefore = THREADS.getTotalStartedThreadCount();
            start = System.nanoTime();
            List<Job<?>> all = jobs.list();
            all.forEach(Job::status);
            double millis = millisSince(start);
            long forks = forks() - forksBefore - (THREADS.getTotalStartedThreadCount() - threadsBefore);
            if (all.size() != listed) {
                throw new IllegalStateException("list() found " + all.size() + " jobs, expected " + listed);
            }
            firstMillis = run == 0 ? millis : firstMillis;
            leastForks = Math.min(leastForks, forks);
            leastIdleForks = Math.min(leastIdleForks, forksWhileIdle(millis));
        }
        double readMillis = timed(this::readEveryJob);
        Row.print(out, "4. list() + status() of " + listed + " finished jobs, first call in the JVM"
                + " vs reading each job.json and exit", ms(firstMillis), ms(readMillis), ratio(firstMillis, readMillis),
                "<= 1 s", firstMillis <= 1000);
        Row.print(out, "4. processes created during it (/proc/stat, machine-wide, less this JVM's new threads;"
                + " least of " + LIST_RUNS + " runs) vs an idle interval as long",
                Long.toString(leastForks), Long.toString(leastIdleForks), "-", "no processes", leastForks <= leastIdleForks);
    }

    /**
     * Copies a finished job's directory under a new name (mode 0700), naming the copy in its
     * {@code job.json}, which must match the directory name.
     */
    private static void copyJob(Path source, String name) throws IOException {
        Path target = Files.createDirectory(source.resolveSibling(name), PRIVATE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source)) {
            for (Path file : files) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path json = target.resolve("job.json");
        String text = Files.readString(json);
        String oldField = nameField(source.getFileName().toString());
        if (!text.contains(oldField)) {
            throw new IllegalStateException("No " + oldField + " in " + json + ":\n" + text);
        }
        Files.writeString(json, text.replace(oldField, nameField(name)));
    }

    private static String nameField(String name) {
        return "\"name\": \"" + name + "\"";
    }

    /** The least I/O a listing needs: each job's description and exit marker. */
    private void readEveryJob() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.resolve("jobs"))) {
            for (Path dir : dirs) {
                Files.readString(dir.resolve("job.json"));
                Files.readString(dir.resolve("exit"));
            }
        }
    }

    /** @return the number of processes and threads created since boot ({@code processes} in /proc/stat) */
    private static long forks() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            return lines.filter(line -> line.startsWith("processes "))
                    .mapToLong(line -> Long.parseLong(line.substring("processes ".length()).trim()))
                    .findFirst()
                    .orElseThrow(() -> new IOException("/proc/stat has no 'processes' line"));
        }
    }

    private static long forksWhileIdle(double millis) throws Exception {
        long before = forks();
        Thread.sleep(Math.max(1, Math.round(millis)));
        return forks() - before;
    }

    // ---- figure 9 ------------------------------------------------------------------------

    private void slurm() throws Exception {
        String log = System.getenv(CALLS_LOG);
        if (log == null) {
            throw new IllegalStateException("--slurm needs " + CALLS_LOG + " (set by bench/run.sh)");
        }
        Path calls = Path.of(log);
        int n = options.slurmJobs();
        long start = System.nanoTime();
        List<Job<Integer>> submitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            submitted.add(jobs.submit("slurm-" + i, JobOptions.backend("slurm"), List.of("true")));
        }
        double submitMillis = millisSince(start);
        Map<String, Long> submitCalls = drainCalls(calls);
        start = System.nanoTime();
        List<Job<?>> all = jobs.list();
        all.forEach(Job::status);
        double passMillis = millisSince(start);
        Map<String, Long> passCalls = drainCalls(calls);
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Process sbatch = start(List.of("sbatch", "--wrap", "true", "--output", "/dev/null", "--job-name", "bench-baseline"));
            if (sbatch.waitFor() != 0) {
                throw new IllegalStateException("sbatch --wrap true failed; see " + childOutput);
            }
        }
        double baselineMillis = millisSince(start);
        Map<String, Long> baselineCalls = drainCalls(calls);
        Row.print(out, "9. Slurm: submit " + n + " command jobs (true) vs sbatch --wrap true x " + n,
                ms(submitMillis), ms(baselineMillis), ratio(submitMillis, baselineMillis), "report", null);
        Row.print(out, "9. Slurm: scheduler calls for those submissions", calls(submitCalls), calls(baselineCalls), "-", "report", null);
        Row.print(out, "9. Slurm: one status pass, list() + status() of " + all.size() + " jobs; scheduler calls: "
                + calls(passCalls), ms(passMillis), "-", "-", "report", null);
        for (Job<Integer> job : submitted) {
            job.await(Duration.ofMinutes(2));
        }
    }

    /** @return the scheduler calls logged since the last call, by program; empties the log */
    private static Map<String, Long> drainCalls(Path log) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                counts.merge(line.strip(), 1L, Long::sum);
            }
            Files.writeString(log, "");
        }
        return counts;
    }

    private static String calls(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((program, n) -> s.append(s.length() == 0 ? "" : " ").append(n).append(' ').append(program));
        return s.toString();
    }

    // ---- jobs and processes --------------------------------------------------------------

    private static PersistentTask<Integer> trivialTask() {
        return () -> 1;
    }

    private void awaitAndCleanUpAll() {
        for (Job<?> job : jobs.list()) {
            job.await();
            job.cleanup();
        }
    }

    private void stopUnfinishedJobs() {
        for (Job<?> job : jobs.list()) {
            if (!job.isReady()) {
                job.cancel();
                job.await(Duration.ofSeconds(15));
            }
        }
    }

    /** Starts a process with standard input from /dev/null and its output appended to a file. */
    private Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(childOutput.toFile()))
                .redirectErrorStream(true)
                .start();
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---- measuring -----------------------------------------------------------------------

    /** Something to time. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** One measurement, in milliseconds, of repetition {@code i}. */
    @FunctionalInterface
    interface Measurement {
        double millis(int i) throws Exception;
    }

    static double timed(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return millisSince(start);
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Measures the subject and the baseline alternately, {@code n} times each. */
    static Comparison interleave(int n, Measurement subject, Measurement baseline) throws Exception {
        double[] s = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = subject.millis(i);
            b[i] = baseline.millis(i);
        }
        return new Comparison(new Sample(s), new Sample(b));
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, millis < 10 ? "%.2f ms" : "%.0f ms", millis);
    }

    static String ratio(double subject, double baseline) {
        return baseline == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", subject / baseline);
    }

    /** Measurements in milliseconds, in the order taken. */
    record Sample(double[] values) {
        double percentile(double p) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

    record Comparison(Sample subject, Sample baseline) {
    }

    /** One row of {@code bench/run.sh}'s table. */
    static final class Row {
        private Row() {
        }

        /** @param met whether the target is met; null when there is no target to meet */
        static void print(PrintStream out, String figure, String measured, String baseline, String ratio,
                String target, Boolean met) {
            out.println(String.join("\t", figure, measured, baseline, ratio, target,
                    met == null ? "-" : met ? "yes" : "NO"));
            out.flush();
        }
    }

    // ---- options -------------------------------------------------------------------------

    /**
     * @param quick smaller counts, for trying the harness out
     * @param slurm whether to measure figure 9 (a Slurm cluster answers)
     * @param only the figures to measure, or empty for all
     */
    record Options(boolean quick, boolean slurm, Set<Integer> only) {
        static Options parse(String[] args) {
            boolean quick = false;
            boolean slurm = false;
            Set<Integer> only = new TreeSet<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--slurm" -> slurm = true;
                    case "--only" -> {
                        if (i + 1 == args.length) {
                            throw new IllegalArgumentException("--only needs a comma-separated list of figures, such as 1,4");
                        }
                        for (String figure : args[++i].split(",")) {
                            only.add(figure(figure));
                        }
                    }
                    default -> throw new IllegalArgumentException("Unknown option '" + args[i]
                            + "'; known: --quick, --slurm, --only FIGURES (figure numbers 1-5 and 9, comma-separated)");
                }
            }
            return new Options(quick, slurm, only);
        }

        private static int figure(String text) {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= 1 && n <= 5 || n == 9) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("Invalid figure '" + text + "' for --only: this harness measures figures 1-5 and 9");
        }

        boolean runs(int figure) {
            return only.isEmpty() || only.contains(figure);
        }

        int persist() {
            return quick ? 20 : 200;
        }

        int fetch() {
            return quick ? 5 : 20;
        }

        int await() {
            return quick ? 5 : 20;
        }

        int list() {
            return quick ? 1000 : 10_000;
        }

        /** 2^27 doubles, 1 GiB; quick: 128 MiB. */
        int largeDoubles() {
            return quick ? 16_777_216 : 134_217_728;
        }

        int graphSize() {
            return quick ? 200_000 : 2_000_000;
        }

        int largeRuns() {
            return quick ? 1 : 3;
        }

        int slurmJobs() {
            return quick ? 10 : 100;
        }
    }

    /** The bare JVM of figure 2's baseline: starts and exits. */
    public static final class Noop {
        private Noop() {
        }

        /** @param args ignored */
        public static void main(String[] args) {
            // nothing: the baseline is the JVM's own start and exit
        }
    }
}
