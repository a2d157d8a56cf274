package dev.persist.local;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.PersistentTask;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures the local backend and prints one table in which every figure stands next to a
 * baseline measured in the same run, alternating with it, so that both see the same machine:
 * <ol>
 *   <li>{@code persist()} of {@code () -> 1}, against {@code ProcessBuilder("setsid", "sh", "-c", "true").start()};
 *   <li>{@code persist()} then {@code fetch()}, against starting a bare JVM with the same class path and waiting for it;
 *   <li>how long after a command job's {@code exit} marker was written {@code await()} returns, against a bare
 *       {@link WatchService} waiting for the same marker written the same way;
 *   <li>{@code status()} of a finished job, against reading its {@code exit} marker; {@code list()} plus
 *       {@code status()} of many finished jobs, against reading each one's {@code job.json} and {@code exit};
 *       and the forks counted in {@code /proc/stat} meanwhile, against an idle interval as long.
 * </ol>
 * Medians and percentiles are nearest-rank. It works in a fresh private home with
 * {@code local.slots=2} and deletes it at the end.
 *
 * <p>Not a test: run it by hand on an otherwise idle machine, from the repository root:
 * <pre>
 * mvn -o -q -pl persist-local test-compile
 * mvn -o -q -pl persist-local dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/bench.cp
 * java -cp persist-local/target/test-classes:persist-local/target/classes:$(cat /tmp/bench.cp) \
 *     dev.persist.local.LocalBenchmark [--persist 100] [--fetch 20] [--await 20] [--list 1000]
 * </pre>
 */
public final class LocalBenchmark {

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final int STATUS_CALLS = 1000;
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(30);
    /** Both sides of figure 3 write their marker as run.sh does: a temporary file, then a rename. */
    private static final String SLEEP_THEN_MARK =
            "sleep 0.3; printf '0\\n' > \"$1/exit.tmp\" && mv -f \"$1/exit.tmp\" \"$1/exit\"";

    private final Options options;
    private final Path home;
    private final Path scratch;
    private final Path childOutput;
    private final Jobs jobs;
    private final Table table = new Table();

    private LocalBenchmark(Options options, Path home) throws IOException {
        this.options = options;
        this.home = home;
        this.scratch = Files.createDirectory(home.resolve("benchmark-scratch"), PRIVATE);
        this.childOutput = scratch.resolve("children.out");
        Files.writeString(home.resolve("config.properties"), "local.slots=2\n");
        this.jobs = Persist.jobs(home);
    }

    /**
     * @param args {@code --persist N --fetch N --await N --list M}, each optional
     * @throws Exception if a measurement fails
     */
    public static void main(String[] args) throws Exception {
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
            LocalBenchmark benchmark = new LocalBenchmark(options, home);
            try {
                benchmark.run(System.out);
            } finally {
                benchmark.stopUnfinishedJobs();
            }
        } finally {
            deleteRecursively(home);
        }
    }

    private void run(PrintStream out) throws Exception {
        printMachine(out);
        persistLatency();
        persistAndFetch();
        completionNoticed();
        statusAndList();
        table.print(out);
    }

    private void printMachine(PrintStream out) throws IOException {
        out.printf("Persist local benchmark, %s%n", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        out.printf("machine: nproc %d (%s), %s %s %s, java.vm.version %s%n", Runtime.getRuntime().availableProcessors(),
                cpuModel(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), System.getProperty("java.vm.version"));
        out.printf("home: %s (local.slots=2); %s%n%n", home, options);
    }

    // ---- figure 1 ------------------------------------------------------------------------

    private void persistLatency() throws Exception {
        int n = options.persist();
        List<Process> spawned = new ArrayList<>();
        Comparison c = interleave(n,
                i -> timed(() -> jobs.persist("persist-" + i, "local", trivialTask())),
                i -> timed(() -> spawned.add(spawnTrue())));
        table.section("1. persist(() -> 1) call only, n=" + n
                + "  vs  ProcessBuilder(setsid sh -c true).start(), no wait");
        table.rows(c, Unit.MILLIS, Stat.FIRST, Stat.MEDIAN, Stat.P90, Stat.P99, Stat.MAX);
        for (Process p : spawned) {
            p.waitFor();
        }
        awaitAndCleanUpAll();
    }

    private Process spawnTrue() throws IOException {
        return start(List.of("setsid", "sh", "-c", "true"));
    }

    // ---- figure 2 ------------------------------------------------------------------------

    private void persistAndFetch() throws Exception {
        int n = options.fetch();
        Comparison c = interleave(n,
                i -> timed(() -> expectOne(jobs.persist("fetch-" + i, "local", trivialTask()).fetch())),
                i -> timed(this::runBareJvm));
        table.section("2. persist(() -> 1) then fetch(), sequential, n=" + n
                + "  vs  bare JVM (same class path, empty main) start to exit");
        table.rows(c, Unit.MILLIS, Stat.MEDIAN, Stat.MIN);
        awaitAndCleanUpAll();
    }

    private static void expectOne(Integer result) {
        if (!Integer.valueOf(1).equals(result)) {
            throw new IllegalStateException("fetch() returned " + result + ", expected 1");
        }
    }

    private void runBareJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = start(List.of(java, "-cp", System.getProperty("java.class.path"), Noop.class.getName()));
        int code = jvm.waitFor();
        if (code != 0) {
            throw new IllegalStateException("The bare JVM exited with " + code + "; see " + childOutput);
        }
    }

    // ---- figure 3 ------------------------------------------------------------------------

    private void completionNoticed() throws Exception {
        int n = options.await();
        Comparison c = interleave(n, this::awaitCommandJob, this::watchMarker);
        table.section("3. await() return minus mtime of exit, job sh -c 'sleep 0.3', n=" + n
                + "  vs  bare WatchService on the same kind of marker");
        table.rows(c, Unit.MILLIS, Stat.MEDIAN, Stat.P90, Stat.MAX);
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

    private void statusAndList() throws Exception {
        Job<Integer> template = jobs.persist("template", "local", trivialTask());
        expectOne(template.fetch());
        Path exit = template.directory().resolve("exit");
        Comparison status = interleave(STATUS_CALLS,
                i -> timed(template::status),
                i -> timed(() -> Files.readString(exit)));
        table.section("4a. status() of one finished job, " + STATUS_CALLS + " calls  vs  Files.readString(exit)");
        table.rows(status, Unit.MICROS, Stat.MEDIAN);

        for (int i = 0; i < options.list(); i++) {
            copyJob(template.directory(), String.format(Locale.ROOT, "copy-%06d", i));
        }
        int listed = options.list() + 1;
        table.section("4b. list() + status() of each of " + listed + " finished jobs"
                + "  vs  reading each job.json and exit; forks vs an idle interval as long");
        listRun(1, listed);
        listRun(2, listed);
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

    private void listRun(int run, int expected) throws Exception {
        long forksBefore = forks();
        long start = System.nanoTime();
        List<Job<?>> listed = jobs.list();
        double listMillis = millisSince(start);
        listed.forEach(Job::status);
        double totalMillis = millisSince(start);
        long forks = forks() - forksBefore;
        if (listed.size() != expected) {
            throw new IllegalStateException("list() found " + listed.size() + " jobs, expected " + expected);
        }
        double readMillis = timed(this::readEveryJob);
        long idleForks = forksWhileIdle(totalMillis);
        table.row(Unit.MILLIS, "list(), run " + run, listMillis, readMillis);
        table.row(Unit.MICROS, "list()+status() per job, run " + run, totalMillis / expected, readMillis / expected);
        table.row(Unit.COUNT, "forks during list()+status(), run " + run, forks, idleForks);
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

    private static String cpuModel() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---- measuring -----------------------------------------------------------------------

    /** Something to time. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** One measurement, in milliseconds, of repetition {@code i}. */
    @FunctionalInterface
    private interface Measurement {
        double millis(int i) throws Exception;
    }

    private static double timed(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return millisSince(start);
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Measures the subject and the baseline alternately, {@code n} times each. */
    private static Comparison interleave(int n, Measurement subject, Measurement baseline) throws Exception {
        double[] s = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = subject.millis(i);
            b[i] = baseline.millis(i);
        }
        return new Comparison(new Sample(s), new Sample(b));
    }

    /** Measurements in milliseconds, in the order taken. */
    private record Sample(double[] values) {
        double percentile(double p) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

    private record Comparison(Sample subject, Sample baseline) {
    }

    private enum Stat {
        FIRST("first call") {
            @Override
            double of(Sample s) {
                return s.values()[0];
            }
        },
        MIN("min", 0),
        MEDIAN("median", 50),
        P90("p90", 90),
        P99("p99", 99),
        MAX("max", 100);

        private final String label;
        private final double percentile;

        Stat(String label) {
            this(label, Double.NaN);
        }

        Stat(String label, double percentile) {
            this.label = label;
            this.percentile = percentile;
        }

        double of(Sample s) {
            return s.percentile(percentile);
        }
    }

    private enum Unit {
        MILLIS(1, "%.2f ms"),
        MICROS(1000, "%.1f us"),
        COUNT(1, "%.0f");

        private final double perMilli;
        private final String format;

        Unit(double perMilli, String format) {
            this.perMilli = perMilli;
            this.format = format;
        }

        String format(double millis) {
            return String.format(Locale.ROOT, format, millis * perMilli);
        }
    }

    /** Rows of statistics under section titles, printed with aligned columns. */
    private static final class Table {
        private static final String[] HEADER = {"", "Persist", "Baseline", "Persist/baseline"};
        /** A row of one cell is a section title. */
        private final List<String[]> rows = new ArrayList<>();

        void section(String title) {
            rows.add(new String[] {title});
        }

        void rows(Comparison c, Unit unit, Stat... stats) {
            for (Stat stat : stats) {
                row(unit, stat.label, stat.of(c.subject()), stat.of(c.baseline()));
            }
        }

        void row(Unit unit, String label, double subject, double baseline) {
            String ratio = baseline == 0 ? "-" : String.format(Locale.ROOT, "%.1fx", subject / baseline);
            rows.add(new String[] {"  " + label, unit.format(subject), unit.format(baseline), ratio});
        }

        void print(PrintStream out) {
            int[] widths = new int[HEADER.length];
            for (String[] row : rows) {
                if (row.length == HEADER.length) {
                    for (int i = 0; i < row.length; i++) {
                        widths[i] = Math.max(widths[i], Math.max(row[i].length(), HEADER[i].length()));
                    }
                }
            }
            out.println(line(HEADER, widths));
            for (String[] row : rows) {
                out.println(row.length == 1 ? row[0] : line(row, widths));
            }
        }

        private static String line(String[] cells, int[] widths) {
            StringBuilder s = new StringBuilder(String.format("%-" + widths[0] + "s", cells[0]));
            for (int i = 1; i < cells.length; i++) {
                s.append("  ").append(String.format("%" + widths[i] + "s", cells[i]));
            }
            return s.toString();
        }
    }

    // ---- options -------------------------------------------------------------------------

    /**
     * @param persist how many persist() calls figure 1 times
     * @param fetch how many persist() + fetch() rounds figure 2 times
     * @param await how many command jobs figure 3 waits for
     * @param list how many finished jobs figure 4 lists (besides the template)
     */
    private record Options(int persist, int fetch, int await, int list) {
        static Options parse(String[] args) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("--persist", 100);
            counts.put("--fetch", 20);
            counts.put("--await", 20);
            counts.put("--list", 1000);
            for (int i = 0; i < args.length; i += 2) {
                if (!counts.containsKey(args[i])) {
                    throw new IllegalArgumentException("Unknown option '" + args[i] + "'; known options: "
                            + String.join(", ", counts.keySet()) + ", each followed by a positive count");
                }
                counts.put(args[i], positive(args[i], i + 1 < args.length ? args[i + 1] : ""));
            }
            return new Options(counts.get("--persist"), counts.get("--fetch"), counts.get("--await"), counts.get("--list"));
        }

        private static int positive(String option, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("Invalid count '" + value + "' for " + option + ": give a positive integer");
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
