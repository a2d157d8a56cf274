package dev.persist.core;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.JobSummary;
import dev.persist.NoSuchJobException;
import dev.persist.PersistException;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A handle on a job directory; all state is read from disk and the backend on each call. */
final class PersistedJob<T> implements Job<T> {

    /** A batch answer from {@link JobStore#list()} stays valid this long for {@link #status()}. */
    private static final long SNAPSHOT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The first and the longest interval between asking the backend while waiting. */
    private static final Duration FIRST_CHECK = Duration.ofMillis(250);
    private static final Duration LONGEST_CHECK = Duration.ofSeconds(5);
    /** Without file-system events, the markers are checked this often. */
    private static final long MARKER_POLL_MILLIS = 50;
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private final JobStore store;
    private final JobDir dir;
    private final String name;
    private volatile JobRecord record;
    private volatile JobState snapshot;
    private volatile long snapshotAt;

    PersistedJob(JobStore store, JobDir dir, String name, JobRecord record) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.dir = Objects.requireNonNull(dir, "dir is null");
        this.name = Objects.requireNonNull(name, "name is null");
        this.record = record;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String backend() {
        JobRecord r = currentRecord();
        return r == null ? "none" : r.backend();
    }

    @Override
    public Path directory() {
        return dir.path();
    }

    JobDir dir() {
        return dir;
    }

    JobRecord record() {
        return record;
    }

    /** The record, re-read while the submitter has not yet stored the backend's handle. */
    JobRecord currentRecord() {
        JobRecord r = record;
        if (r == null || r.handle().isEmpty()) {
            r = store.readRecord(name, dir.path());
            record = r;
        }
        return r;
    }

    JobRef ref() {
        JobRecord r = currentRecord();
        return new JobRef(name, dir.path(), store.home(), r.handle(), r.submitted());
    }

    void remember(JobState state) {
        snapshot = state;
        snapshotAt = System.nanoTime();
    }

    /** The state, or the batch answer {@link JobStore#list()} gave if it is recent. */
    private JobState state() {
        JobState remembered = snapshot;
        if (remembered != null && System.nanoTime() - snapshotAt < SNAPSHOT_NANOS) {
            return remembered;
        }
        return freshState();
    }

    /** The state as it is now; what waiting, fetching, cancelling and cleaning up act on. */
    private JobState freshState() {
        snapshot = null;
        if (!Files.isDirectory(dir.path())) {
            throw new NoSuchJobException(name, store.home());
        }
        return store.states(List.of(this)).get(this);
    }

    @Override
    public JobStatus status() {
        return state().status();
    }

    @Override
    public boolean isReady() {
        return status().isTerminal();
    }

    @Override
    public boolean isDone() {
        return isReady();
    }

    @Override
    public boolean isCancelled() {
        return status() == JobStatus.CANCELLED;
    }

    @Override
    public JobStatus await() {
        return await(FOREVER);
    }

    @Override
    public JobStatus await(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout is null");
        return awaitState(timeout, null).status();
    }

    /**
     * Waits until the job is terminal or the timeout passes; returns the state it last saw.
     *
     * @param follower if not null, also woken by changes to the job's files, and asked to copy
     *     new output after every wake-up
     */
    private JobState awaitState(Duration timeout, OutputFollower follower) {
        long start = System.nanoTime();
        JobState state = freshState();
        if (state.status().isTerminal() || state.status() == JobStatus.EMPTY) {
            return state;
        }
        try (WatchService watcher = watch(follower != null)) {
            Duration interval = FIRST_CHECK;
            long nextCheck = System.nanoTime() + interval.toNanos();
            while (true) {
                long now = System.nanoTime();
                long remaining = timeout.toNanos() - (now - start);
                if (remaining <= 0) {
                    return state;
                }
                long sleep = Math.min(remaining, Math.max(0, nextCheck - now));
                if (watcher == null) {
                    sleep = Math.min(sleep, TimeUnit.MILLISECONDS.toNanos(MARKER_POLL_MILLIS));
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } else {
                    WatchKey key = watcher.poll(sleep, TimeUnit.NANOSECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                }
                if (follower != null) {
                    follower.copy();
                }
                Optional<JobState> ended = JobState.fromMarkers(dir, currentRecord());
                if (ended.isPresent()) {
                    return ended.get();
                }
                if (System.nanoTime() >= nextCheck) {
                    state = freshState();
                    if (state.status().isTerminal()) {
                        return state;
                    }
                    interval = interval.multipliedBy(2);
                    if (interval.compareTo(LONGEST_CHECK) > 0) {
                        interval = LONGEST_CHECK;
                    }
                    nextCheck = System.nanoTime() + interval.toNanos();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PersistException("Interrupted while waiting for job '" + name + "'", e);
        } catch (ClosedWatchServiceException | IOException e) {
            throw new PersistException("Cannot wait for job '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * File-system events for the job directory, or null where they are unavailable.
     *
     * @param modifications whether writes to existing files count too, not only new files
     */
    private WatchService watch(boolean modifications) {
        WatchService watcher = null;
        try {
            watcher = dir.path().getFileSystem().newWatchService();
            if (modifications) {
                dir.path().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            } else {
                dir.path().register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            }
            return watcher;
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. the per-user inotify limit is reached: poll the markers instead
            if (watcher != null) {
                try {
                    watcher.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            return null;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T fetch() {
        JobState state = awaitState(FOREVER, null);
        if (state.status() != JobStatus.DONE) {
            throw failure(state);
        }
        JobRecord r = currentRecord();
        if (r.kind() == JobKind.COMMAND) {
            return (T) Integer.valueOf(0);
        }
        Path file = dir.file(JobDir.RESULT);
        try {
            SecureFiles.checkPrivate(dir.path(), "job '" + name + "'");
            ClassLoader loader = resultLoader();
            Object result;
            try (InputStream in = Files.newInputStream(file)) { // the codec buffers what it reads
                result = store.codec().read(in, loader);
            }
            if (loader instanceof ShippedClassLoader shipped && shipped.firstDefined() != null
                    && !JShellCapture.isJShell(loader())) {
                throw new PersistException("The result of job '" + name + "' holds an instance of "
                        + shipped.firstDefined() + ", a class declared in the JShell session that submitted the job,"
                        + " which exists only there. Fetch it in JShell (started with the Persist jars on its class"
                        + " path: Persist.open(\"" + name + "\").fetch()), or have the task return values of classes"
                        + " on the class path, such as a String, a List or a record from a jar.");
            }
            return (T) result;
        } catch (UnreadableDataException e) {
            throw new PersistException("Cannot read the result of job '" + name + "' from " + file + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new PersistException("Cannot read the result of job '" + name + "': " + e.getMessage(), e);
        }
    }

    private JobFailedException failure(JobState state) {
        if (state.status() == JobStatus.EMPTY) {
            throw new PersistException("Job '" + name + "' is empty: no job was submitted into " + dir.path());
        }
        TaskFailure failure = readFailure().orElse(null);
        if (failure == null) {
            return new JobFailedException(name, state.status(), state.reason(), state.exitCode(), null, null, null, null);
        }
        ClassLoader loader = loader();
        if (JShellCapture.isJShell(loader)) {
            try {
                loader = resultLoader();
            } catch (IOException e) {
                // then exceptions of classes declared in JShell come back as RemoteExceptions
            }
        }
        return new JobFailedException(name, state.status(), state.reason(), state.exitCode(),
                failure.rebuild(loader), failure.className(), failure.message(), failure.printed());
    }

    private Optional<TaskFailure> readFailure() {
        Path file = dir.file(JobDir.FAILURE);
        try {
            SecureFiles.checkPrivate(dir.path(), "job '" + name + "'");
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                return Optional.of(TaskFailure.read(in));
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PersistException("Cannot read the exception of job '" + name + "' from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The loader a result is read with: for a task from JShell, a {@link ShippedClassLoader} over
     * the classes it brought along, so that the session that submitted the job gets its own
     * classes, another session the submitting session's, and a plain JVM learns that the value
     * needs them.
     */
    private ClassLoader resultLoader() throws IOException {
        ClassLoader context = loader();
        Path classes = dir.file(JobDir.JSHELL_CLASSES);
        if (!Files.exists(classes)) {
            return context;
        }
        SecureFiles.checkPrivate(classes, "the JShell classes of job '" + name + "'");
        return new ShippedClassLoader(ShippedClassLoader.read(classes), context);
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : PersistedJob.class.getClassLoader();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return fetchForFuture();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit is null");
        if (!await(Duration.of(timeout, unit.toChronoUnit())).isTerminal()) {
            throw new TimeoutException("Job '" + name + "' did not finish within " + timeout + " " + unit);
        }
        return fetchForFuture();
    }

    /** {@link #fetch()} with the exceptions {@link java.util.concurrent.Future#get()} promises. */
    private T fetchForFuture() throws InterruptedException, ExecutionException {
        try {
            return fetch();
        } catch (JobFailedException e) {
            if (e.status() == JobStatus.CANCELLED) {
                CancellationException cancelled = new CancellationException(e.getMessage());
                cancelled.initCause(e);
                throw cancelled;
            }
            throw new ExecutionException(e.getMessage(), e);
        } catch (PersistException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public String stdout() {
        return read(JobDir.STDOUT);
    }

    @Override
    public String stderr() {
        return read(JobDir.STDERR);
    }

    @Override
    public JobStatus followStdout(Appendable out) {
        return follow(JobDir.STDOUT, out);
    }

    @Override
    public JobStatus followStderr(Appendable out) {
        return follow(JobDir.STDERR, out);
    }

    private JobStatus follow(String file, Appendable out) {
        Objects.requireNonNull(out, "out is null");
        try (OutputFollower follower = new OutputFollower(dir.file(file), out)) {
            follower.copy();
            JobState state = awaitState(FOREVER, follower);
            follower.finish(); // the wrapper records the end only once the output is complete
            return state.status();
        } catch (NoSuchFileException e) {
            throw new NoSuchJobException(name, store.home());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the " + file + " of job '" + name + "': " + e.getMessage(), e);
        }
    }

    private String read(String file) {
        try {
            return new String(Files.readAllBytes(dir.file(file)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir.path())) {
                throw new NoSuchJobException(name, store.home());
            }
            return "";
        } catch (IOException e) {
            throw new PersistException("Cannot read the " + file + " of job '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel();
    }

    @Override
    public boolean cancel() {
        JobState state = freshState();
        if (state.status().isTerminal() || state.status() == JobStatus.EMPTY) {
            return false;
        }
        try {
            dir.mark(JobDir.CANCEL_REQUESTED);
            if (!currentRecord().handle().isEmpty()) {
                store.backendOf(this).cancel(ref());
            }
        } catch (IOException e) {
            throw new PersistException("Cannot cancel job '" + name + "': " + e.getMessage(), e);
        }
        return freshState().status() == JobStatus.CANCELLED;
    }

    @Override
    public void cleanup() {
        JobState state = freshState();
        if (!state.status().isTerminal() && state.status() != JobStatus.EMPTY) {
            throw new IllegalStateException("Job '" + name + "' is " + state.status()
                    + "; cancel it first (cancel(), or `persist cancel " + name + "`), then clean it up");
        }
        store.delete(dir, name);
    }

    @Override
    public JobSummary summary() {
        JobState state = state();
        JobRecord r = currentRecord();
        if (r == null) {
            return new JobSummary(name, backend(), state.status(), state.reason(), state.exitCode(), null, null, null, null);
        }
        // Markers read after the status may be newer than it: describe the job as of its status.
        Instant started = state.status() == JobStatus.QUEUED ? null : dir.time(JobDir.STARTED).orElse(null);
        Instant ended = state.status().isTerminal() ? dir.time(JobDir.EXIT).orElse(null) : null;
        Duration runTime = null;
        if (started != null && (ended != null || !state.status().isTerminal())) {
            runTime = Duration.between(started, ended != null ? ended : store.clock().instant());
            runTime = runTime.isNegative() ? Duration.ZERO : runTime;
        }
        return new JobSummary(name, r.backend(), state.status(), state.reason(), state.exitCode(), r.submitted(),
                started, ended, runTime);
    }

    @Override
    public String info() {
        JobSummary summary = summary();
        JobRecord r = currentRecord();
        StringBuilder s = new StringBuilder();
        line(s, "Job", name);
        line(s, "Status", summary.status() + (summary.reason().isEmpty() ? "" : ": " + summary.reason()));
        if (r == null) {
            line(s, "Directory", dir.path().toString());
            return s.toString();
        }
        line(s, "Backend", r.backend() + describe(r));
        line(s, "Runs", r.kind() == JobKind.COMMAND ? "command " + String.join(" ", r.command())
                : dir.has(JobDir.JSHELL_CLASSES) ? "Java task from JShell" : "Java task");
        PinnedClasspath cp = r.classpath();
        if (!cp.entries().isEmpty()) {
            line(s, "Snapshot", cp.entries().size() + " class path entries pinned in " + dir.file(JobDir.CLASSPATH)
                    + (cp.skipped().isEmpty() ? "" : "; not pinned: " + cp.describeSkipped()));
        }
        line(s, "Submitted", Times.FORMAT.format(r.submitted()) + " on " + r.host() + " in " + r.workingDirectory());
        if (summary.started() != null) {
            line(s, "Started", Times.FORMAT.format(summary.started()));
        }
        if (summary.ended() != null) {
            line(s, "Ended", Times.FORMAT.format(summary.ended()));
        }
        if (summary.runTime() != null) {
            line(s, "Run time", runTime(summary.runTime()));
        }
        if (summary.exitCode() != null) {
            line(s, "Exit code", summary.exitCode().toString());
        }
        r.options().timeLimit().ifPresent(limit -> line(s, "Time limit", JobState.format(limit)));
        line(s, "Directory", dir.path().toString());
        return s.toString();
    }

    private String describe(JobRecord r) {
        if (r.handle().isEmpty()) {
            return " (not started yet)";
        }
        JobManager manager;
        try {
            manager = store.backendOf(this);
            return ": " + manager.describe(ref());
        } catch (IOException | PersistException e) {
            return " (" + e.getMessage() + ")";
        }
    }

    private static String runTime(Duration d) {
        long millis = d.toMillis();
        return millis < 120_000 ? String.format("%.1f s", millis / 1000.0) : JobState.format(d);
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(String.format("%-12s%s%n", label + ":", value));
    }

    @Override
    public String toString() {
        return "Job[" + name + " in " + dir.path() + "]";
    }

    /**
     * How {@link #info()} shows times, made on first use: finding the local time zone reads the
     * JDK's time zone data, which {@link #status()} has no use for.
     */
    private static final class Times {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneId.systemDefault());
    }
}
