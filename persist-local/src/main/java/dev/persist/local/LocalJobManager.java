package dev.persist.local;

import dev.persist.JobOptions;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code local} backend: each job is a detached process session on this machine, queued so
 * that at most a given number of jobs run at once.
 *
 * <p>A job is started as {@code setsid /bin/sh queue.sh ... run.sh ...} with standard input from
 * {@code /dev/null} and its output appended to files, so it survives the submitting JVM, its
 * terminal and SIGHUP. Its handle is the session leader's pid, start time and boot id; its
 * processes are the members of that session.
 *
 * <p>Options: {@code slots} (a positive integer) is how many jobs may run at once, as seen by
 * this job; the default comes from {@code local.slots} in {@code <home>/config.properties}, else
 * the number of CPUs. The time limit is enforced by the job's wrapper; {@code cpus} and memory are
 * recorded but not enforced.
 */
public final class LocalJobManager implements JobManager {

    /** The option naming the number of jobs that may run at once. */
    public static final String SLOTS = "slots";

    /** How long cancelled processes may take to exit after TERM before they are killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final ProcessTable processes;
    private final LocalQueue queue;

    /** Creates the backend; cheap, with no side effects. */
    public LocalJobManager() {
        this(new ProcessTable(), new LocalQueue());
    }

    LocalJobManager(ProcessTable processes, LocalQueue queue) {
        this.processes = Objects.requireNonNull(processes, "processes is null");
        this.queue = Objects.requireNonNull(queue, "queue is null");
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
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(request.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(request.stdout().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(request.stderr().toFile()));
        builder.environment().putAll(request.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            queue.withdraw(queueDir, ticket);
            throw e;
        }
        long pid = process.pid();
        // The start time is fixed at fork, before setsid and sh exec: read it while the pid is ours.
        long startTicks = processes.stat(pid).map(ProcessTable.Stat::startTicks).orElse(-1L);
        Map<String, String> handle = new HashMap<>();
        handle.put("pid", Long.toString(pid));
        handle.put("startTicks", Long.toString(startTicks));
        handle.put("bootId", processes.bootId());
        handle.put("host", hostName());
        handle.put("ticket", ticket);
        return handle;
    }

    @Override
    public Map<String, BackendState> query(List<JobRef> jobs) throws IOException {
        String bootId = processes.bootId();
        String host = hostName();
        Map<String, BackendState> states = new HashMap<>();
        for (JobRef job : jobs) {
            states.put(job.name(), state(Handle.of(job), bootId, host));
        }
        return states;
    }

    private BackendState state(Handle handle, String bootId, String host) {
        if (!handle.host().equals(host)) {
            return new BackendState(BackendState.Phase.ACTIVE, "on host " + handle.host()
                    + ", which cannot be checked from " + host);
        }
        if (!handle.bootId().equals(bootId)) {
            return new BackendState(BackendState.Phase.GONE, "the machine rebooted since the job started");
        }
        if (handle.startTicks() >= 0 && processes.isAlive(handle.pid(), handle.startTicks())) {
            return BackendState.of(BackendState.Phase.ACTIVE);
        }
        return BackendState.of(BackendState.Phase.GONE);
    }

    @Override
    public String describe(JobRef job) throws IOException {
        Handle handle = Handle.of(job);
        BackendState state = state(handle, processes.bootId(), hostName());
        String where = "session " + handle.pid() + " on " + handle.host();
        return switch (state.phase()) {
            case ACTIVE -> where + (state.detail().isEmpty() ? ", alive" : ", " + state.detail());
            default -> where + ", no longer running" + (state.detail().isEmpty() ? "" : " (" + state.detail() + ")");
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
        // After a reboot nothing of the job is left; a pid with another start time belongs to
        // another process, and the job's session is gone. Otherwise, while any member of the
        // session lives, the kernel does not reuse its id, so every member found now is the job's.
        boolean rebooted = !handle.bootId().equals(processes.bootId());
        boolean reused = processes.stat(handle.pid()).filter(s -> s.startTicks() != handle.startTicks()).isPresent();
        if (!rebooted && !reused) {
            new SessionKiller(processes).kill(handle.pid(), STOP_GRACE);
        }
        // A job killed before its gate took its ticket would hold up the jobs behind it.
        if (handle.ticket() != null) {
            queue.withdraw(LocalQueue.directory(job.home()), handle.ticket());
        }
    }

    private String hostName() throws IOException {
        return processes.hostName();
    }

    /** The handle {@link #launch} returns, read back; {@code ticket} is null for handles written before tickets. */
    private record Handle(long pid, long startTicks, String bootId, String host, String ticket) {
        static Handle of(JobRef job) throws IOException {
            Map<String, String> h = job.handle();
            try {
                return new Handle(Long.parseLong(h.get("pid")), Long.parseLong(h.get("startTicks")),
                        Objects.requireNonNull(h.get("bootId")), Objects.requireNonNull(h.get("host")),
                        LocalQueue.checkTicket(h.get("ticket")));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IOException("Job '" + job.name() + "' has an invalid local handle " + h
                        + "; expected pid, startTicks, bootId, host and a queue ticket");
            }
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
