package dev.persist.local;

import dev.persist.JobOptions;
import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code local} backend: each job is a detached process session on this machine, queued so
 * that at most a given number of jobs run at once.
 *
 * <p>A job is started as {@code setsid /bin/sh queue.sh ... run.sh ...} with standard input from
 * {@code /dev/null} and its output appended to files, so it survives the submitting JVM, its
 * terminal and SIGHUP. Its processes are the members of its session; the session is identified by
 * its leader's pid, start time and boot id.
 *
 * <p>{@link #launch} hands the job to the home's {@link LocalSpawner} when one runs, and returns
 * as soon as the spawner has taken it, without waiting for a process to start; the spawner records
 * the session in the job directory. Otherwise it starts the job itself, records the session in the
 * handle, and starts a spawner for the submissions after it.
 *
 * <p>Options: {@code slots} (a positive integer) is how many jobs may run at once, as seen by
 * this job; the default comes from {@code local.slots} in {@code <home>/config.properties}, else
 * the number of CPUs. The time limit is enforced by the job's wrapper; {@code cpus} and memory are
 * recorded but not enforced.
 */
@BackendName("local")
public final class LocalJobManager implements JobManager {

    /** The option naming the number of jobs that may run at once. */
    public static final String SLOTS = "slots";

    /** How long cancelled processes may take to exit after TERM before they are killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** How often {@link #cancel} looks whether the spawner started a job it is waiting for. */
    private static final long SPAWNER_POLL_MILLIS = 10;

    private final ProcessTable processes;
    private final LocalQueue queue;
    private final SpawnerClient spawners;

    /** Creates the backend; cheap, with no side effects. */
    public LocalJobManager() {
        this(new ProcessTable(), new LocalQueue(), new SpawnerClient());
    }

    LocalJobManager(ProcessTable processes, LocalQueue queue, SpawnerClient spawners) {
        this.processes = Objects.requireNonNull(processes, "processes is null");
        this.queue = Objects.requireNonNull(queue, "queue is null");
        this.spawners = Objects.requireNonNull(spawners, "spawners is null");
    }

    @Override
    public String id() {
        return "local";
    }

    @Override
    public void validate(JobOptions options) {
        for (String key : options.options().keySet()) {
            if (!key.equals(SLOTS)) {
                throw new IllegalArgumentException("Unknown option '" + key + "' for backend 'local'; "
                        + "it understands: " + SLOTS + " (how many jobs may run at once)");
            }
        }
        String slots = options.options().get(SLOTS);
        if (slots != null) {
            LocalQueue.parseSlots(slots, "option '" + SLOTS + "'");
        }
    }

    @Override
    public Map<String, String> launch(LaunchRequest request) throws IOException {
        Path queueDir = queue.prepare(request.home());
        int slots = queue.slots(request.home(), request.options());
        String ticket = queue.enqueue(queueDir, request.name());
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.add("/bin/sh");
        argv.add(queueDir.resolve(LocalQueue.SCRIPT).toString());
        argv.add(queueDir.toString());
        argv.add(ticket);
        argv.add(Integer.toString(slots));
        argv.addAll(request.command());
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(request.environment());
        SpawnRequest spawn = new SpawnRequest(argv, request.workingDirectory(), environment, request.stdout(),
                request.stderr(), request.directory().resolve(Session.FILE), LocalQueue.ticketFile(queueDir, ticket));
        Map<String, String> handle = new HashMap<>();
        handle.put("bootId", processes.bootId());
        handle.put("host", hostName());
        handle.put("ticket", ticket);
        Optional<SpawnerIdentity> spawner = spawners.offer(request.home(), spawn);
        if (spawner.isPresent()) {
            handle.put("spawner", spawner.get().toString());
            return handle;
        }
        Process process;
        try {
            process = spawn.processBuilder().start();
        } catch (IOException | RuntimeException e) {
            queue.withdraw(queueDir, ticket);
            throw e;
        }
        long pid = process.pid();
        // The start time is fixed at fork, before setsid and sh exec: read it while the pid is ours.
        long startTicks = processes.stat(pid).map(ProcessTable.Stat::startTicks).orElse(-1L);
        handle.put("pid", Long.toString(pid));
        handle.put("startTicks", Long.toString(startTicks));
        // The next submissions hand their jobs to a spawner instead of waiting for a process to start.
        spawners.start(request.home());
        return handle;
    }

    @Override
    public Map<String, BackendState> query(List<JobRef> jobs) throws IOException {
        String bootId = processes.bootId();
        String host = hostName();
        Map<String, BackendState> states = new HashMap<>();
        for (JobRef job : jobs) {
            Handle handle = Handle.of(job);
            states.put(job.name(), state(handle, sessionOf(job, handle), bootId, host));
        }
        return states;
    }

    /**
     * What is known of a job's session, read once.
     *
     * @param session the session, or empty while the spawner has not recorded it
     * @param spawnerAlive whether the spawner was alive when the session was found missing
     */
    private record Known(Optional<Session> session, boolean spawnerAlive) {
    }

    private Known sessionOf(JobRef job, Handle handle) throws IOException {
        Optional<Session> session = handle.session(job);
        if (session.isPresent()) {
            return new Known(session, false);
        }
        if (processes.isAlive(handle.spawnerPid(), handle.spawnerStartTicks())) {
            return new Known(session, true);
        }
        return new Known(handle.session(job), false); // it may have recorded the job just before it ended
    }

    private BackendState state(Handle handle, Known known, String bootId, String host) {
        if (!handle.host().equals(host)) {
            return new BackendState(BackendState.Phase.ACTIVE, "on host " + handle.host()
                    + ", which cannot be checked from " + host);
        }
        if (!handle.bootId().equals(bootId)) {
            return new BackendState(BackendState.Phase.GONE, "the machine rebooted since the job started");
        }
        if (known.session().isEmpty()) {
            return known.spawnerAlive() ? new BackendState(BackendState.Phase.PENDING, waitingForSpawner(handle))
                    : new BackendState(BackendState.Phase.FAILED, "the local spawner (pid " + handle.spawnerPid()
                            + ") ended before it started the job; submit it again");
        }
        Session started = known.session().get();
        if (!started.isStarted()) {
            return new BackendState(BackendState.Phase.FAILED, "the job could not be started: " + started.failure());
        }
        if (started.startTicks() >= 0 && processes.isAlive(started.pid(), started.startTicks())) {
            return BackendState.of(BackendState.Phase.ACTIVE);
        }
        return BackendState.of(BackendState.Phase.GONE);
    }

    private static String waitingForSpawner(Handle handle) {
        return "waiting for the local spawner (pid " + handle.spawnerPid() + ") to start it";
    }

    @Override
    public String describe(JobRef job) throws IOException {
        Handle handle = Handle.of(job);
        Known known = sessionOf(job, handle);
        BackendState state = state(handle, known, processes.bootId(), hostName());
        String where = known.session().filter(Session::isStarted).map(s -> "session " + s.pid() + " on ").orElse("on ") + handle.host();
        String spawner = handle.spawnerPid() > 0 ? ", handed to the local spawner (pid " + handle.spawnerPid() + ")" : "";
        return switch (state.phase()) {
            case ACTIVE -> where + spawner + (state.detail().isEmpty() ? ", alive" : ", " + state.detail());
            case PENDING -> where + ", " + state.detail();
            default -> where + spawner + ", no longer running" + (state.detail().isEmpty() ? "" : " (" + state.detail() + ")");
        };
    }

    @Override
    public void cancel(JobRef job) throws IOException {
        Handle handle = Handle.of(job);
        String host = hostName();
        if (!handle.host().equals(host)) {
            throw new IOException("Job '" + job.name() + "' runs on host " + handle.host()
                    + "; cancel it there (this is " + host + ")");
        }
        boolean rebooted = !handle.bootId().equals(processes.bootId());
        Optional<Session> session = rebooted ? Optional.empty() : awaitSession(job, handle);
        // After a reboot nothing of the job is left; a pid with another start time belongs to
        // another process, and the job's session is gone. Otherwise, while any member of the
        // session lives, the kernel does not reuse its id, so every member found now is the job's.
        if (session.isPresent() && session.get().isStarted()) {
            Session started = session.get();
            boolean reused = processes.stat(started.pid()).filter(s -> s.startTicks() != started.startTicks()).isPresent();
            if (!reused) {
                new SessionKiller(processes).kill(started.pid(), STOP_GRACE);
            }
        }
        // A job killed before its gate took its ticket would hold up the jobs behind it.
        if (handle.ticket() != null) {
            queue.withdraw(LocalQueue.directory(job.home()), handle.ticket());
        }
    }

    /** Deletes the files of the home's spawners that stopped a day ago or more. */
    @Override
    public void collectGarbage(Path home) throws IOException {
        SpawnerClient.collectGarbage(home, Instant.now());
    }

    /**
     * @return the job's session; for a job handed to the spawner, once the spawner recorded it
     *     (within {@link #STOP_GRACE}), or empty if the spawner ended without starting it
     * @throws IOException if the spawner, alive, has not started it in that time
     */
    private Optional<Session> awaitSession(JobRef job, Handle handle) throws IOException {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (true) {
            Optional<Session> session = handle.session(job);
            if (session.isPresent() || !processes.isAlive(handle.spawnerPid(), handle.spawnerStartTicks())) {
                return session.isPresent() ? session : handle.session(job);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Job '" + job.name() + "' is still " + waitingForSpawner(handle)
                        + " after " + STOP_GRACE.toSeconds() + " s; cancel it again later");
            }
            try {
                Thread.sleep(SPAWNER_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for the local spawner to start job '" + job.name() + "'", e);
            }
        }
    }

    private String hostName() throws IOException {
        return processes.hostName();
    }

    /**
     * The handle {@link #launch} returns, read back: a job started by its submitter has its
     * session's {@code pid} and {@code startTicks}; a job handed to the spawner has the spawner's
     * ({@code spawner}: {@code PID/START_TICKS}) and its session in the job's {@link Session} file.
     * {@code ticket} is null for handles written before tickets.
     */
    private record Handle(long pid, long startTicks, long spawnerPid, long spawnerStartTicks, String bootId,
            String host, String ticket) {

        static Handle of(JobRef job) throws IOException {
            Map<String, String> h = job.handle();
            try {
                String spawner = h.get("spawner");
                long spawnerPid = -1;
                long spawnerStartTicks = -1;
                long pid = -1;
                long startTicks = -1;
                if (spawner != null) {
                    SpawnerIdentity identity = SpawnerIdentity.parse(spawner);
                    spawnerPid = identity.pid();
                    spawnerStartTicks = identity.startTicks();
                } else {
                    pid = Long.parseLong(h.get("pid"));
                    startTicks = Long.parseLong(h.get("startTicks"));
                }
                return new Handle(pid, startTicks, spawnerPid, spawnerStartTicks, Objects.requireNonNull(h.get("bootId")),
                        Objects.requireNonNull(h.get("host")), LocalQueue.checkTicket(h.get("ticket")));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IOException("Job '" + job.name() + "' has an invalid local handle " + h
                        + "; expected pid and startTicks or spawner, bootId, host and a queue ticket");
            }
        }

        /** @return the job's session, or empty while the spawner has not recorded it */
        Optional<Session> session(JobRef job) throws IOException {
            if (spawnerPid < 0) {
                return Optional.of(Session.started(pid, startTicks));
            }
            return Session.read(job.directory().resolve(Session.FILE));
        }
    }

    /** Reads a resource packaged with this backend. */
    static InputStream resource(String name) throws IOException {
        InputStream in = LocalJobManager.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("The persist-local jar is incomplete: " + name + " is missing");
        }
        return in;
    }
}
