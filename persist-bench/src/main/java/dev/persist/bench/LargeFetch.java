package dev.persist.bench;

import static dev.persist.bench.Harness.millisSince;
import static dev.persist.bench.Harness.ratio;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.PersistentTask;
import dev.persist.bench.SerializationBenchmark.Point;
import dev.persist.core.JobDir;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Figure 5: {@code fetch()} of a large {@code double[]} and of a large object graph (a list of
 * records holding strings), each in a fresh JVM, against a fresh JVM reading the result file's
 * bytes raw into a byte array (an {@link InputStream}, 1 MiB per read), alternately. Each child prints how long
 * its read took (the JVM's start excluded) and its peak resident set ({@code VmHWM}). The graph is read
 * once more with both children's heaps committed and touched before their clocks start, which leaves
 * out what touching fresh memory costs. Beside the graph's fetch, a fresh JVM building the same graph
 * from nothing shows the least any read of it can take.
 */
final class LargeFetch {

    private static final long MIB = 1024 * 1024;
    private static final int RAW_CHUNK = 1024 * 1024;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    private final Jobs jobs;
    private final Path home;
    private final int doubles;
    private final int graphSize;
    private final int runs;
    private final PrintStream out;

    LargeFetch(Jobs jobs, Path home, int doubles, int graphSize, int runs, PrintStream out) {
        this.jobs = jobs;
        this.home = home;
        this.doubles = doubles;
        this.graphSize = graphSize;
        this.runs = runs;
        this.out = out;
    }

    void run() throws Exception {
        int n = doubles;
        long arrayBytes = 8L * n;
        Job<double[]> array = produce("large-doubles", arrayBytes, () -> new double[n]);
        measure(array, "double[" + n + "] (" + arrayBytes / MIB + " MiB)", arrayBytes, true, false);
        array.cleanup();
        int size = graphSize;
        Job<List<Point>> graph = produce("large-graph", 0, () -> graph(size));
        String what = "List of " + size + " records with a String";
        double fetchMillis = measure(graph, what, 0, false, false);
        buildingFloor(graph, what, fetchMillis);
        // What is left when neither side pays for touching fresh memory: a graph takes several
        // times its file's size on the heap, and every page touched first costs a fault.
        measure(graph, "List of " + size + " records with a String, heaps touched ahead (-Xms, -XX:+AlwaysPreTouch)",
                0, false, true);
        graph.cleanup();
    }

    /** @return {@code n} distinct records, each with its own string */
    static List<Point> graph(int n) {
        List<Point> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(new Point(i, i * 0.5, i * 0.25, "point-" + i));
        }
        return points;
    }

    private <T> Job<T> produce(String name, long resultBytes, PersistentTask<T> task) {
        long heap = Math.max(1024 * MIB, 3 * resultBytes);
        Job<T> job = jobs.persist(name, JobOptions.backend("local").jvmOptions("-Xmx" + heap / MIB + "m"), task);
        JobStatus status = job.await(JOB_TIMEOUT);
        if (status != JobStatus.DONE) {
            throw new IllegalStateException("The job making the result of figure 5 ended " + status + ":\n" + job.info());
        }
        return job;
    }

    /**
     * @param judgeMemory whether the peak RSS has a target (else it is reported, unless {@code preTouch})
     * @param preTouch whether both children commit and touch their whole heap before they start
     *     the clock, so that neither pays for touching fresh memory while it reads; the row is then
     *     a report, with no peak RSS (the whole heap)
     * @return the median time of the fetches, in milliseconds
     */
    private double measure(Job<?> job, String what, long resultBytes, boolean judgeMemory, boolean preTouch)
            throws Exception {
        Path file = job.directory().resolve(JobDir.RESULT);
        long fileBytes = Files.size(file);
        long heapMib = heapMib(resultBytes, fileBytes);
        List<String> jvm = preTouch ? List.of("-Xmx" + heapMib + "m", "-Xms" + heapMib + "m", "-XX:+AlwaysPreTouch")
                : List.of("-Xmx" + heapMib + "m");
        double[] fetchMillis = new double[runs];
        double[] rawMillis = new double[runs];
        long fetchPeak = 0;
        long rawPeak = 0;
        for (int i = 0; i < runs; i++) {
            long[] fetched = child(jvm, "--child-fetch", home.toString(), job.name());
            long[] raw = child(jvm, "--child-raw", file.toString());
            fetchMillis[i] = fetched[0] / 1e3;
            rawMillis[i] = raw[0] / 1e3;
            fetchPeak = Math.max(fetchPeak, fetched[1]);
            rawPeak = Math.max(rawPeak, raw[1]);
        }
        double fetchMedian = new Harness.Sample(fetchMillis).percentile(50);
        double rawMedian = new Harness.Sample(rawMillis).percentile(50);
        double share = rawMedian / fetchMedian;
        String vs = " vs raw InputStream read of the " + fileBytes / MIB + " MiB result file, median of " + runs;
        Harness.Row.print(out, "5. fetch() throughput, " + what + vs, throughput(fileBytes, fetchMedian),
                throughput(fileBytes, rawMedian), String.format(Locale.ROOT, "%.0f%%", 100 * share),
                preTouch ? "report" : ">= 50% of raw", preTouch ? null : share >= 0.5);
        if (preTouch) {
            return fetchMedian;
        }
        if (judgeMemory) {
            Harness.Row.print(out, "5. fetch() peak RSS (VmHWM), " + what + " vs raw read; ratio to the result size",
                    fetchPeak / MIB + " MiB", rawPeak / MIB + " MiB", ratio(fetchPeak, resultBytes), "<= 1.5x result",
                    fetchPeak <= 1.5 * resultBytes);
        } else {
            Harness.Row.print(out, "5. fetch() peak RSS (VmHWM), " + what + " vs raw read; ratio to the file size",
                    fetchPeak / MIB + " MiB", rawPeak / MIB + " MiB", ratio(fetchPeak, fileBytes), "report", null);
        }
        return fetchMedian;
    }

    /**
     * Room for the value (a graph takes more room on the heap than in the file) and a copy of the
     * file's bytes, so that a fetch that is not streaming still finishes; no more, so that garbage
     * does not inflate the peak RSS.
     */
    private static long heapMib(long resultBytes, long fileBytes) {
        long room = resultBytes > 0 ? 2 * resultBytes : Math.max(1024 * MIB, 16 * fileBytes);
        return room / MIB + 256;
    }

    /**
     * The least any read of the graph can take: a fresh JVM (with the fetching child's heap)
     * building the same graph from nothing, with no file and no deserialization, pays for its
     * allocation, the collections that copy it and the fresh memory it touches.
     */
    private void buildingFloor(Job<?> job, String what, double fetchMillis) throws Exception {
        long heapMib = heapMib(0, Files.size(job.directory().resolve(JobDir.RESULT)));
        double[] buildMillis = new double[runs];
        long buildPeak = 0;
        for (int i = 0; i < runs; i++) {
            long[] built = child(List.of("-Xmx" + heapMib + "m"), "--child-build", Integer.toString(graphSize));
            buildMillis[i] = built[0] / 1e3;
            buildPeak = Math.max(buildPeak, built[1]);
        }
        double buildMedian = new Harness.Sample(buildMillis).percentile(50);
        Harness.Row.print(out, "5. fetch() of the " + what + " vs building the same list in a fresh JVM (no file,"
                + " no deserialization: the least any read can take; peak RSS " + buildPeak / MIB + " MiB), median of "
                + runs, Harness.ms(fetchMillis), Harness.ms(buildMedian), ratio(fetchMillis, buildMedian), "report", null);
    }

    private static String throughput(long bytes, double millis) {
        return String.format(Locale.ROOT, "%.0f MB/s", bytes / 1e6 / (millis / 1000));
    }

    /** @return microseconds the child's read took, and its peak RSS in bytes */
    private long[] child(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Harness.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Harness.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("The child JVM " + String.join(" ", args) + " failed: " + output);
        }
        String[] fields = output.split(" ");
        return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
    }

    /**
     * The child JVM: {@code --child-fetch HOME NAME}, {@code --child-raw FILE} or {@code --child-build
     * SIZE} (makes {@link #graph}); prints the microseconds the read (or build) took and the peak RSS
     * in bytes.
     */
    static void child(String[] args) throws Exception {
        long start = System.nanoTime();
        Object value;
        switch (args[0]) {
            case "--child-fetch" -> value = Persist.jobs(Path.of(args[1])).open(args[2]).fetch();
            case "--child-raw" -> value = readRaw(Path.of(args[1]));
            case "--child-build" -> value = graph(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("Unknown child mode " + args[0]
                    + "; known: --child-fetch, --child-raw, --child-build");
        }
        long micros = Math.round(millisSince(start) * 1000);
        if (value == null) {
            throw new IllegalStateException("nothing read");
        }
        System.out.println(micros + " " + peakRss());
    }

    /** Reads the whole file into one byte array, 1 MiB per read call. */
    private static byte[] readRaw(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = new byte[Math.toIntExact(Files.size(file))];
            int offset = 0;
            int n;
            while (offset < bytes.length && (n = in.read(bytes, offset, Math.min(RAW_CHUNK, bytes.length - offset))) > 0) {
                offset += n;
            }
            return bytes;
        }
    }

    /** @return VmHWM from /proc/self/status, in bytes */
    private static long peakRss() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            String line = lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .orElseThrow(() -> new IOException("/proc/self/status has no VmHWM"));
            return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
