package dev.persist.core;

import dev.persist.BackendInfo;
import dev.persist.GcReport;
import dev.persist.Job;
import dev.persist.JobExistsException;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.NoSuchJobException;
import dev.persist.PersistException;
import dev.persist.PersistentTask;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** The jobs under one home directory: creating, opening, listing, and deriving their states. */
final class JobStore implements Jobs {

    /** How long a stopped job may take to exit after TERM before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /**
     * A staging or trash directory this old was left by a JVM that died while submitting or
     * cleaning up; {@link #gc()} deletes it (and so releases the snapshots it links).
     */
    static final Duration ABANDONED = Duration.ofDays(1);

    private static final String STAGING_PREFIX = ".staging-";
    private static final String TRASH_PREFIX = ".trash-";

    private final Path home;
    private final Path jobsDir;
    private final Backends backends;
    private final Supplier<KryoCodec> codec;
    private final Clock clock;
    private final Snapshots snapshots;
    private final RunnerArchives archives;

    /**
     * @param codec gives the codec, the same each time; asked only when a task or result is
     *     written or read
     */
    JobStore(Path home, Backends backends, Supplier<KryoCodec> codec, Clock clock) {
        this.home = Objects.requireNonNull(home, "home is null");
        this.jobsDir = home.resolve("jobs");
        this.backends = Objects.requireNonNull(backends, "backends is null");
        this.codec = Objects.requireNonNull(codec, "codec is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.snapshots = new Snapshots(home);
        this.archives = new RunnerArchives(home, jobsDir);
    }

    @Override
    public Path home() {
        return home;
    }

    @Override
    public List<BackendInfo> backends() {
        return backends.infos();
    }

    @Override
    public List<String> backendProblems() {
        return backends.problems();
    }

    KryoCodec codec() {
        return codec.get();
    }

    Clock clock() {
        return clock;
    }

    @Override
    public <T> Job<T> persist(String name, String backend, PersistentTask<T> task) {
        Objects.requireNonNull(backend, "backend is null");
        return persist(name, JobOptions.backend(backend), task);
    }

    @Override
    public <T> Job<T> persist(String name, JobOptions options, PersistentTask<T> task) {
        JobManager manager = checkedBackend(name, options);
        Objects.requireNonNull(task, "task is null");
        TaskPayload payload = JShellCapture.capture(task, codec());
        List<Path> sources = Classpath.sources(task.getClass());
        Path dir = jobsDir.resolve(name);
        return create(name, options, manager, JobKind.JAVA, staging -> {
            PinnedClasspath classpath = snapshots.pin(sources, staging.resolve(JobDir.CLASSPATH));
            payload.writeTo(staging);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> runner = new ArrayList<>();
            runner.add(java);
            runner.addAll(archives.options(name, java, options.jvmOptions(), classpath));
            runner.addAll(options.jvmOptions());
            runner.add("-cp");
            runner.add(classpath.path(dir));
            runner.add(Runner.class.getName());
            runner.add(dir.toString());
            return new Prepared(runner, classpath);
        });
    }

    @Override
    public Job<Integer> submit(String name, JobOptions options, List<String> command) {
        JobManager manager = checkedBackend(name, options);
        Objects.requireNonNull(command, "command is null");
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("The command is empty: give the program to run and its arguments");
        }
        for (String argument : command) {
            if (argument == null || argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid command argument: arguments may not be null or contain NUL");
            }
        }
        List<String> copy = List.copyOf(command);
        return create(name, options, manager, JobKind.COMMAND, staging -> new Prepared(copy, PinnedClasspath.NONE));
    }

    /** Writes what is particular to a kind of job into its staging directory. */
    @FunctionalInterface
    private interface Preparer {
        Prepared prepare(Path staging) throws IOException;
    }

    /**
     * @param inner what the wrapper runs
     * @param classpath the pinned class path of a Java job
     */
    private record Prepared(List<String> inner, PinnedClasspath classpath) {
    }

    /** Checks the name and the options; returns the backend that will run the job. */
    private JobManager checkedBackend(String name, JobOptions options) {
        JobNames.check(name);
        Objects.requireNonNull(options, "options is null");
        JobManager manager = backends.get(options.backend());
        manager.validate(options);
        return manager;
    }

    private <T> Job<T> create(String name, JobOptions options, JobManager manager, JobKind kind, Preparer preparer) {
        Path dir = jobsDir.resolve(name);
        String workingDirectory = Path.of("").toAbsolutePath().toString();
        JobRecord record;
        try {
            prepareHome();
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new JobExistsException(name, home);
            }
            record = stage(dir, staging -> {
                Prepared prepared = preparer.prepare(staging);
                return new JobRecord(name, options.backend(), kind, clock.instant(), hostName(), workingDirectory,
                        prepared.inner(), prepared.classpath(), options, Map.of());
            });
        } catch (IOException e) {
            throw new PersistException("Cannot create job '" + name + "' under " + home + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", dir.resolve(JobDir.RUN_SH).toString(), dir.toString(),
                Long.toString(options.timeLimit().map(Duration::toSeconds).orElse(0L)),
                Long.toString(STOP_GRACE.toSeconds())));
        command.addAll(record.command());
        Map<String, String> handle;
        try {
            Map<String, String> environment = new LinkedHashMap<>(options.environment());
            environment.put("PERSIST_HOME", home.toString());
            environment.put("PERSIST_JOB_NAME", name);
            handle = manager.launch(new LaunchRequest(name, dir, home, command, Path.of(workingDirectory),
                    environment, dir.resolve(JobDir.STDOUT), dir.resolve(JobDir.STDERR), options));
        } catch (IOException | RuntimeException e) {
            discardQuietly(dir);
            throw new PersistException("Backend '" + manager.id() + "' could not start job '" + name + "': "
                    + e.getMessage(), e);
        }
        JobRecord launched = record.withHandle(handle);
        try {
            SecureFiles.writeAtomically(dir.resolve(JobDir.JOB_JSON), launched.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PersistException("Job '" + name + "' was started but its handle could not be recorded in "
                    + dir + ": " + e.getMessage(), e);
        }
        return new PersistedJob<>(this, new JobDir(dir), name, launched);
    }

    /** Makes the job's description once the rest of its files are in the staging directory. */
    @FunctionalInterface
    private interface Stager {
        JobRecord stage(Path staging) throws IOException;
    }

    /**
     * Writes the job into a private staging directory and renames it into place atomically.
     *
     * @return the job's description, as written
     */
    private JobRecord stage(Path dir, Stager stager) throws IOException {
        Path staging = SecureFiles.createPrivateDirectory(jobsDir, STAGING_PREFIX);
        try {
            JobRecord record = stager.stage(staging);
            Files.write(staging.resolve(JobDir.RUN_SH), Wrapper.SCRIPT, StandardOpenOption.CREATE_NEW);
            Files.createFile(staging.resolve(JobDir.STDOUT));
            Files.createFile(staging.resolve(JobDir.STDERR));
            Files.writeString(staging.resolve(JobDir.JOB_JSON), record.toJson());
            try {
                SecureFiles.moveAtomically(staging, dir);
            } catch (FileSystemException e) {
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new JobExistsException(record.name(), home);
                }
                throw e;
            }
            return record;
        } catch (IOException | RuntimeException e) {
            discardQuietly(staging);
            throw e;
        }
    }

    /** The wrapper script, read from persist-core's jar once. */
    private static final class Wrapper {
        static final byte[] SCRIPT = read();

        private static byte[] read() {
            try (InputStream in = Objects.requireNonNull(JobStore.class.getResourceAsStream(JobDir.RUN_SH),
                    "run.sh is packaged with persist-core")) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read run.sh from persist-core's jar", e);
            }
        }
    }

    private void prepareHome() throws IOException {
        SecureFiles.createPrivateDirectories(jobsDir);
        SecureFiles.checkPrivate(home, "the Persist home");
        SecureFiles.checkPrivate(jobsDir, "the Persist jobs directory");
    }

    /** Deletes a job or staging directory, then the snapshots only it used, warning if that fails. */
    private void discardQuietly(Path path) {
        try {
            discard(path);
        } catch (IOException e) {
            LoggerFactory.getLogger(JobStore.class).warn("Could not remove {}: {}", path, e.toString());
        }
    }

    /** Deletes a job or staging directory, then the snapshots only it used. */
    private void discard(Path path) throws IOException {
        List<String> snapshotsUsed = new ArrayList<>();
        try (DirectoryStream<Path> links = Files.newDirectoryStream(path.resolve(JobDir.CLASSPATH))) {
            for (Path link : links) {
                String file = link.getFileName().toString();
                String sha256 = file.endsWith(".jar") ? file.substring(0, file.length() - ".jar".length()) : "";
                if (Snapshots.isHash(sha256)) {
                    snapshotsUsed.add(sha256);
                }
            }
        } catch (NoSuchFileException e) {
            // a command job, or a Java job of format 1
        }
        SecureFiles.deleteRecursively(path);
        snapshots.release(snapshotsUsed);
    }

    private static String hostName() {
        return HostName.NAME;
    }

    /** The kernel's host name, as the local backend records it: no name service lookup, which can be slow. */
    private static final class HostName {
        static final String NAME = read();

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }

    @Override
    public Job<?> open(String name) {
        JobNames.check(name);
        Path dir = jobsDir.resolve(name);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchJobException(name, home);
        }
        return new PersistedJob<>(this, new JobDir(dir), name, readRecord(name, dir));
    }

    @Override
    public List<Job<?>> list() {
        List<PersistedJob<?>> jobs = new ArrayList<>();
        if (Files.isDirectory(jobsDir)) {
            try {
                SecureFiles.checkPrivate(jobsDir, "the Persist jobs directory");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobsDir)) {
                for (Path dir : entries) {
                    String name = dir.getFileName().toString();
                    if (!JobNames.isValid(name)) {
                        continue; // staging and trash directories, stray files
                    }
                    try {
                        if (!SecureFiles.isPrivateDirectory(dir, what(name))) {
                            continue; // stray files, symbolic links
                        }
                        jobs.add(new PersistedJob<>(this, new JobDir(dir), name, readRecord(name, dir, true)));
                    } catch (NoSuchFileException | NoSuchJobException e) {
                        // cleaned up while listing
                    } catch (IOException e) {
                        LoggerFactory.getLogger(JobStore.class).warn("Skipping job '{}': cannot read {}: {}", name, dir,
                                e.toString());
                    } catch (PersistException e) {
                        LoggerFactory.getLogger(JobStore.class).warn("Skipping job '{}': {}", name, e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + jobsDir, e);
            }
        }
        jobs.sort(Comparator.comparing((PersistedJob<?> j) -> j.record() == null ? null : j.record().submitted(),
                Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(PersistedJob::name));
        Map<PersistedJob<?>, JobState> states = states(jobs);
        states.forEach(PersistedJob::remember);
        return List.copyOf(jobs);
    }

    /**
     * Reads and checks {@code job.json}; null if the directory holds no job yet. The record's
     * command and class path, which listing and status do not need, are read again (and checked)
     * when first asked for.
     */
    JobRecord readRecord(String name, Path dir) {
        return readRecord(name, dir, false);
    }

    /** @param checked whether the caller has just checked the directory with {@link SecureFiles} */
    private JobRecord readRecord(String name, Path dir, boolean checked) {
        String text = readJobJson(name, dir, checked);
        if (text == null) {
            return null;
        }
        JobRecord record = parse(name, dir, () -> JobRecord.fromJsonDeferred(text, () -> readFullRecord(name, dir)));
        if (!record.name().equals(name)) {
            throw new PersistException("Cannot read job '" + name + "': " + dir.resolve(JobDir.JOB_JSON)
                    + " describes a job named '" + record.name() + "'" + unusableHint(dir));
        }
        return record;
    }

    /** {@code job.json} read again, in full: the command and class path a listed record left out. */
    private JobRecord readFullRecord(String name, Path dir) {
        String text = readJobJson(name, dir, false);
        if (text == null) {
            throw new PersistException("Cannot read job '" + name + "': " + dir.resolve(JobDir.JOB_JSON)
                    + " is gone; open the job again");
        }
        return parse(name, dir, () -> JobRecord.fromJson(text));
    }

    /** Runs a {@code job.json} reader, turning what is wrong with the file into the error to throw. */
    private static JobRecord parse(String name, Path dir, Supplier<JobRecord> reader) {
        try {
            return reader.get();
        } catch (IllegalArgumentException e) {
            throw new PersistException("Cannot read job '" + name + "': " + dir.resolve(JobDir.JOB_JSON)
                    + " is unusable: " + e.getMessage()
                    + (e instanceof JobRecord.NewerFormatException ? "" : unusableHint(dir)), e);
        }
    }

    /** The text of {@code job.json}, after checking the directory if need be; null if the directory holds no job yet. */
    private String readJobJson(String name, Path dir, boolean checked) {
        try {
            if (!checked) {
                SecureFiles.checkPrivate(dir, what(name));
            }
            return Files.readString(dir.resolve(JobDir.JOB_JSON), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchJobException(name, home);
            }
            return null;
        } catch (IOException e) {
            throw new PersistException("Cannot read job '" + name + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String what(String name) {
        return "job '" + name + "'";
    }

    private static String unusableHint(Path dir) {
        return ". If the job is not running any more, remove " + dir + " to free the name";
    }

    /**
     * The states of several jobs, asking each backend once for all of its unfinished jobs whose
     * wrapper is not seen running on this machine.
     */
    Map<PersistedJob<?>, JobState> states(List<PersistedJob<?>> jobs) {
        Map<PersistedJob<?>, JobState> states = new HashMap<>();
        Map<String, List<PersistedJob<?>>> pending = new LinkedHashMap<>();
        for (PersistedJob<?> job : jobs) {
            JobRecord record = job.currentRecord();
            if (record == null) {
                states.put(job, new JobState(JobStatus.EMPTY, "no job was submitted into this directory", null));
                continue;
            }
            JobState marked = JobState.fromMarkers(job.dir(), record).orElse(null);
            if (marked != null) {
                states.put(job, marked);
            } else if (RunningWrapper.isRunning(job.dir())) {
                states.put(job, new JobState(JobStatus.RUNNING, "", null));
            } else if (record.handle().isEmpty()) {
                states.put(job, JobState.fromBackend(job.dir(), record, null, clock.instant()));
            } else {
                pending.computeIfAbsent(record.backend(), b -> new ArrayList<>()).add(job);
            }
        }
        pending.forEach((backend, batch) -> {
            JobManager manager = backendOf(batch.get(0));
            List<JobRef> refs = batch.stream().map(PersistedJob::ref).toList();
            Map<String, BackendState> answers;
            try {
                answers = manager.query(refs);
            } catch (IOException e) {
                throw new PersistException("Backend '" + backend + "' could not report on " + batch.size()
                        + " job(s): " + e.getMessage(), e);
            }
            for (PersistedJob<?> job : batch) {
                BackendState answer = answers.getOrDefault(job.name(), BackendState.of(BackendState.Phase.GONE));
                states.put(job, JobState.fromBackend(job.dir(), job.currentRecord(), answer, clock.instant()));
            }
        });
        return states;
    }

    JobManager backendOf(PersistedJob<?> job) {
        String backend = job.record().backend();
        try {
            return backends.get(backend);
        } catch (IllegalArgumentException e) {
            throw new PersistException("Job '" + job.name() + "' runs on backend '" + backend
                    + "', which is not installed in this JVM: add its jar (persist-" + backend + ") to the class path. "
                    + e.getMessage(), e);
        }
    }

    /** Moves the job directory aside (freeing the name at once), then deletes it and the snapshots only it used. */
    void delete(JobDir dir, String name) {
        Path trash = jobsDir.resolve(SecureFiles.uniqueName(TRASH_PREFIX + name + "-"));
        try {
            SecureFiles.moveAtomically(dir.path(), trash);
        } catch (NoSuchFileException e) {
            throw new NoSuchJobException(name, home);
        } catch (IOException e) {
            throw new PersistException("Cannot remove job '" + name + "': " + e.getMessage(), e);
        }
        try {
            discard(trash);
        } catch (IOException e) {
            throw new PersistException("Job '" + name + "' was removed, but deleting its files in " + trash
                    + " failed: " + e.getMessage() + ". Persist.jobs(home).gc() deletes them later", e);
        }
    }

    @Override
    public GcReport gc() {
        Instant now = clock.instant();
        GcReport report;
        try {
            if (Files.isDirectory(jobsDir)) {
                SecureFiles.checkPrivate(jobsDir, "the Persist jobs directory");
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobsDir)) {
                    for (Path entry : entries) {
                        String file = entry.getFileName().toString();
                        if (file.startsWith(STAGING_PREFIX) || file.startsWith(TRASH_PREFIX)) {
                            Snapshots.deleteIfOlder(entry, now.minus(ABANDONED));
                        }
                    }
                }
            }
            archives.collectGarbage(now.minus(ABANDONED));
            report = snapshots.collectGarbage(now);
        } catch (IOException e) {
            throw new PersistException("Cannot collect the garbage under " + home + ": " + e.getMessage(), e);
        }
        // Every backend gets its turn; those that fail are named together afterwards.
        StringJoiner failed = new StringJoiner("; ");
        List<Exception> errors = new ArrayList<>();
        for (Map.Entry<String, JobManager> backend : backends.all().entrySet()) {
            try {
                backend.getValue().collectGarbage(home);
            } catch (IOException | RuntimeException e) {
                failed.add("backend '" + backend.getKey() + "': " + e.getMessage());
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            PersistException failure = new PersistException("Cannot collect the garbage under " + home + " of " + failed
                    + ". The rest was collected; run gc again once that is mended.", errors.get(0));
            errors.subList(1, errors.size()).forEach(failure::addSuppressed);
            throw failure;
        }
        return report;
    }
}
