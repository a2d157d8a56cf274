package dev.persist.local;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.Jobs;
import dev.persist.Persist;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Measures {@code persist()} with a large class path: jars and a class directory of random
 * (incompressible) content, {@code --megabytes} in all, appended to this JVM's class path in a
 * child JVM that persists. Prints, in milliseconds:
 * <ol>
 *   <li>the first {@code persist()} into an empty home (every entry hashed and copied), then
 *       {@code --repeat} more from the same JVM (hashes cached in memory);
 *   <li>{@code persist()} after one jar was touched (same content, new mtime: hashed again, not
 *       stored again) and after one file of the class directory changed (packed and stored again);
 *   <li>the first {@code persist()} of a new JVM with the same home (hashes from {@code cache.json});
 *   <li>the same first and repeated calls with this JVM's own class path, as the baseline;
 *   <li>{@code persist()} then {@code fetch()} of {@code () -> 1}, large class path against the
 *       baseline (the runner hashes only snapshots whose stored size or modification time changed).
 * </ol>
 * Jobs of 1 and 2 wait in the local queue behind a job that holds the only slot, so that no job
 * JVM competes with the measurement. Everything lives in a fresh private directory, deleted at the end.
 *
 * <p>Not a test: run it by hand on an otherwise idle machine, from the repository root:
 * <pre>
 * mvn -o -q -pl persist-local -am test-compile
 * mvn -o -q -pl persist-local dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -cp persist-local/target/test-classes:persist-local/target/classes:persist-core/target/classes:persist-api/target/classes:$(cat /tmp/bench.cp | tr : '\n' | grep -v /dev/persist/ | paste -sd:) \
 *     dev.persist.local.SnapshotBenchmark [--megabytes 200] [--repeat 20]
 * </pre>
 */
public final class SnapshotBenchmark {

    private static final int JARS = 48;
    private static final int ENTRY_BYTES = 64 * 1024;
    private static final int CLASS_FILES = 2000;

    private SnapshotBenchmark() {
    }

    /**
     * @param args {@code --megabytes N --repeat N}, each optional
     * @throws Exception if a measurement fails
     */
    public static void main(String[] args) throws Exception {
        int megabytes = option(args, "--megabytes", 200);
        int repeat = option(args, "--repeat", 20);
        Path root = Files.createTempDirectory("persist-snapshot-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            List<Path> large = generate(root.resolve("classpath"), megabytes);
            long bytes = 0;
            for (Path p : large) {
                bytes += size(p);
            }
            System.out.printf(Locale.ROOT, "persist() with a large class path: %d jars and a class directory of %d files,"
                    + " %.1f MB, plus this JVM's class path; %d repeats%n%n", JARS, CLASS_FILES, bytes / 1e6, repeat);
            String plain = System.getProperty("java.class.path");
            String big = plain + File.pathSeparator + String.join(File.pathSeparator, large.stream().map(Path::toString).toList());
            Path home = root.resolve("home");
            child(big, "measure", home, repeat, large.get(0), large.get(large.size() - 1));
            child(big, "new-jvm", home, repeat);
            child(plain, "measure", root.resolve("baseline-home"), repeat);
            child(big, "fetch", root.resolve("fetch-home"), 5);
            child(plain, "fetch", root.resolve("fetch-baseline-home"), 5);
        } finally {
            deleteRecursively(root);
        }
    }

    private static int option(String[] args, String name, int fallback) {
        int at = Arrays.asList(args).indexOf(name);
        return at >= 0 && at + 1 < args.length ? Integer.parseInt(args[at + 1]) : fallback;
    }

    /** JARS jars of random stored entries and one directory of random class files, megabytes in all. */
    private static List<Path> generate(Path dir, int megabytes) throws IOException {
        Random random = new Random(42);
        long total = megabytes * 1_000_000L;
        long classBytes = total / 25;
        List<Path> entries = new ArrayList<>();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        byte[] file = new byte[(int) (classBytes / CLASS_FILES)];
        for (int i = 0; i < CLASS_FILES; i++) {
            random.nextBytes(file);
            Path f = classes.resolve("pkg" + i % 40).resolve("C" + i + ".class");
            Files.createDirectories(f.getParent());
            Files.write(f, file);
        }
        int perJar = (int) ((total - classBytes) / JARS / ENTRY_BYTES);
        byte[] entry = new byte[ENTRY_BYTES];
        for (int j = 0; j < JARS; j++) {
            Path jar = dir.resolve("lib-" + j + ".jar");
            try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setMethod(ZipOutputStream.STORED);
                for (int e = 0; e < perJar; e++) {
                    random.nextBytes(entry);
                    CRC32 crc = new CRC32();
                    crc.update(entry);
                    ZipEntry z = new ZipEntry("lib" + j + "/R" + e + ".bin");
                    z.setSize(ENTRY_BYTES);
                    z.setCrc(crc.getValue());
                    zip.putNextEntry(z);
                    zip.write(entry);
                }
            }
            entries.add(jar);
        }
        entries.add(classes);
        return entries;
    }

    private static void child(String classPath, String mode, Path home, int repeat, Path... touched) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Child.class.getName(), mode, home.toString(), Integer.toString(repeat)));
        for (Path p : touched) {
            command.add(p.toString());
        }
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the measuring JVM failed: " + command.subList(3, command.size()));
        }
    }

    private static long size(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.deleteIfExists(path);
            }
        }
    }

    /** The JVM whose class path is measured. */
    public static final class Child {
        private Child() {
        }

        /**
         * @param args mode ({@code measure}, {@code new-jvm} or {@code fetch}), home, repeats, and
         *     for {@code measure} optionally a jar to touch and a class directory to change
         * @throws Exception if a measurement fails
         */
        public static void main(String[] args) throws Exception {
            Jobs jobs = Persist.jobs(Path.of(args[1]));
            int repeat = Integer.parseInt(args[2]);
            switch (args[0]) {
                case "measure" -> measure(jobs, repeat, args);
                case "new-jvm" -> {
                    JobOptions queued = JobOptions.backend("local").option("slots", "1");
                    print(what() + " first persist() of a new JVM, same home", timed(() -> jobs.persist("new-jvm", queued, () -> 1)));
                    cancelAll(jobs);
                }
                case "fetch" -> {
                    List<Double> times = new ArrayList<>();
                    for (int i = 0; i < repeat; i++) {
                        int n = i;
                        times.add(timed(() -> jobs.persist("fetch-" + n, "local", () -> 1).fetch()));
                    }
                    stats(what() + " persist() then fetch() of () -> 1", times);
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.flush();
            System.exit(0);
        }

        private static String what() {
            return System.getProperty("java.class.path").split(File.pathSeparator).length > 60
                    ? "large class path:" : "baseline (own class path):";
        }

        private static void measure(Jobs jobs, int repeat, String[] args) throws Exception {
            JobOptions queued = JobOptions.backend("local").option("slots", "1");
            String what = what();
            // The first job holds the only slot, so that no job JVM competes with the measurement.
            print(what + " first persist(), empty home", timed(() -> jobs.persist("first", queued, () -> {
                Thread.sleep(Duration.ofHours(1).toMillis());
                return 0;
            })));
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                int n = i;
                times.add(timed(() -> jobs.persist("repeat-" + n, queued, () -> 1)));
            }
            stats(what + " repeated persist(), same JVM", times);
            if (args.length > 4) {
                Path jar = Path.of(args[3]);
                Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
                print(what + " persist() after touching one " + Files.size(jar) / 1_000_000 + " MB jar",
                        timed(() -> jobs.persist("touched", queued, () -> 1)));
                Path classFile = Path.of(args[4]).resolve("pkg0").resolve("C0.class");
                Files.write(classFile, new byte[] {1, 2, 3});
                print(what + " persist() after changing one class file", timed(() -> jobs.persist("changed", queued, () -> 1)));
            }
            cancelAll(jobs);
        }

        private static void cancelAll(Jobs jobs) {
            for (Job<?> job : jobs.list()) {
                job.cancel();
            }
        }

        /** Something to time. */
        @FunctionalInterface
        private interface Action {
            void run() throws Exception;
        }

        private static double timed(Action action) throws Exception {
            long start = System.nanoTime();
            action.run();
            return (System.nanoTime() - start) / 1e6;
        }

        private static void print(String what, double millis) {
            System.out.printf(Locale.ROOT, "%-62s %9.1f ms%n", what, millis);
        }

        private static void stats(String what, List<Double> times) {
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-62s %9.1f ms median, %.1f min, %.1f max (n=%d)%n", what,
                    sorted[(sorted.length - 1) / 2], sorted[0], sorted[sorted.length - 1], sorted.length);
        }
    }
}
