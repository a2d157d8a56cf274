package dev.persist.slurm;

import dev.persist.JobOptions;
import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code slurm} backend: each job is a Slurm batch job.
 *
 * <p>{@code sbatch} submits a fixed batch script that runs the job's wrapper, passed as the
 * script's arguments, with the submitter's environment ({@code --export=ALL}), in the submitter's
 * working directory, with output appended to the job's files. The job runs the submitter's
 * {@code java} with the job's class path, so the Persist home, the class path and the JDK must be
 * on file systems the compute nodes share; a home under {@code /tmp} or another node-local path
 * is warned about. The handle is the Slurm job id (and cluster, if sbatch names one).
 *
 * <p>Options, each passed to sbatch as one argument: the time limit ({@code --time}, rounded up
 * to whole minutes), {@code cpus} ({@code --cpus-per-task}), memory ({@code --mem}), and the
 * backend options {@code partition}, {@code account}, {@code qos}, {@code constraint},
 * {@code gres} and {@code gpus}; any other long sbatch option as {@code sbatch.NAME}, which
 * becomes {@code --NAME=VALUE} (or {@code --NAME} for an empty value), for example
 * {@code option("sbatch.exclusive", "")} or {@code option("sbatch.mail-type", "END")}. Slurm warns
 * the job ({@code --signal=B:USR1}) 10 to 40 s before its time limit; the wrapper then records
 * that the limit was reached and stops the job gracefully. Jobs are not requeued.
 *
 * <p>Status: one {@code squeue} call for all jobs asked about, shared between threads for a
 * second; for jobs squeue has forgotten, {@code sacct} if the site keeps accounting; otherwise the
 * job's own records decide.
 */
@BackendName("slurm")
public final class SlurmJobManager implements JobManager {

    /** How long {@link #cancel} waits for Slurm to confirm that a job stopped: KillWait (30 s) and more. */
    static final Duration CANCEL_CONFIRMATION = Duration.ofSeconds(90);
    private static final Duration FIRST_CONFIRMATION_CHECK = Duration.ofMillis(100);
    private static final Duration LONGEST_CONFIRMATION_CHECK = Duration.ofSeconds(2);
    private static final List<Path> NODE_LOCAL = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"),
            Path.of("/run"));
    private static final Logger LOG = LoggerFactory.getLogger(SlurmJobManager.class);

    private final Slurm slurm;
    private final LongSupplier nanoTime;
    private final SqueueSnapshots snapshots;
    private final Set<Path> warnedHomes = ConcurrentHashMap.newKeySet();

    /** Creates the backend; cheap, with no side effects (Slurm is first asked when a job is). */
    public SlurmJobManager() {
        this(new Slurm(new ExecCommandRunner(), Slurm.Sleeper.THREAD), System::nanoTime);
    }

    SlurmJobManager(Slurm slurm, LongSupplier nanoTime) {
        this.slurm = slurm;
        this.nanoTime = nanoTime;
        this.snapshots = new SqueueSnapshots(slurm, nanoTime);
    }

    @Override
    public String id() {
        return "slurm";
    }

    @Override
    public void validate(JobOptions options) {
        SbatchArguments.validate(options);
    }

    @Override
    public Map<String, String> launch(LaunchRequest request) throws IOException {
        nodeLocalWarning(request.home()).ifPresent(warning -> {
            if (warnedHomes.add(request.home())) {
                LOG.warn(warning);
            }
        });
        Path script = Files.createTempFile("persist-sbatch-", ".sh"); // private to this user
        try {
            try (InputStream in = SlurmJobManager.class.getResourceAsStream("batch.sh")) {
                if (in == null) {
                    throw new IOException("The persist-slurm jar is incomplete: batch.sh is missing");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> sbatch = SbatchArguments.of(request, script);
            SlurmId id = slurm.submit(sbatch, request.environment(), request.name(),
                    SbatchArguments.filePattern(request.stdout()),
                    request.options().options().getOrDefault(SbatchArguments.EXTRA + "clusters", ""));
            return id.toHandle();
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Override
    public Map<String, BackendState> query(List<JobRef> jobs) throws IOException {
        Map<String, BackendState> states = new HashMap<>();
        Map<String, Map<String, List<String>>> names = new LinkedHashMap<>(); // cluster -> job id -> job names
        for (JobRef job : jobs) {
            try {
                SlurmId id = SlurmId.of(job);
                names.computeIfAbsent(id.cluster(), c -> new LinkedHashMap<>())
                        .computeIfAbsent(id.jobId(), i -> new ArrayList<>()).add(job.name());
            } catch (IOException e) {
                states.put(job.name(), new BackendState(Phase.FAILED, e.getMessage()));
            }
        }
        for (Map.Entry<String, Map<String, List<String>>> cluster : names.entrySet()) {
            Map<String, SlurmJob> known = known(cluster.getKey(), cluster.getValue().keySet());
            cluster.getValue().forEach((id, jobNames) -> {
                SlurmJob job = known.get(id);
                BackendState state = job == null ? BackendState.of(Phase.GONE) : job.backendState();
                jobNames.forEach(name -> states.put(name, state));
            });
        }
        return states;
    }

    /** What squeue, or else accounting, knows about the jobs of one cluster. */
    private Map<String, SlurmJob> known(String cluster, Set<String> ids) throws IOException {
        Map<String, SlurmJob> known = new HashMap<>(snapshots.jobs(cluster, ids));
        List<String> forgotten = ids.stream().filter(id -> !known.containsKey(id)).toList();
        known.putAll(slurm.sacct(cluster, forgotten));
        return known;
    }

    @Override
    public String describe(JobRef job) throws IOException {
        SlurmId id = SlurmId.of(job);
        SlurmJob known = known(id.cluster(), Set.of(id.jobId())).get(id.jobId());
        String where = id.cluster().isEmpty() ? "" : " (cluster " + id.cluster() + ")";
        return known == null ? "Slurm job " + id.jobId() + where + ", no longer known to Slurm"
                : known.describe() + where;
    }

    @Override
    public void cancel(JobRef job) throws IOException {
        SlurmId id = SlurmId.of(job);
        slurm.scancel(id);
        snapshots.forget(id.cluster());
        // scancel's exit code says nothing: ask squeue until the job has stopped.
        long deadline = nanoTime.getAsLong() + CANCEL_CONFIRMATION.toNanos();
        Duration pause = FIRST_CONFIRMATION_CHECK;
        while (true) {
            SlurmJob now = slurm.squeue(id.cluster(), List.of(id.jobId())).get(id.jobId());
            Optional<SlurmState> state = now == null ? Optional.empty() : now.slurmState();
            if (now == null || state.isPresent() && state.get().phase() != Phase.PENDING
                    && state.get().phase() != Phase.ACTIVE) {
                return;
            }
            if (nanoTime.getAsLong() - deadline > 0) {
                if (state.orElse(null) == SlurmState.COMPLETING) {
                    return; // cancelled; Slurm is still killing leftover processes
                }
                throw new IOException("Slurm has not cancelled job " + id + " within " + CANCEL_CONFIRMATION.toSeconds()
                        + " s of scancel: it is still " + now.state() + " (" + now.describe() + ")");
            }
            slurm.pause(pause);
            pause = pause.multipliedBy(2).compareTo(LONGEST_CONFIRMATION_CHECK) > 0
                    ? LONGEST_CONFIRMATION_CHECK : pause.multipliedBy(2);
        }
    }

    /**
     * @param home a Persist home
     * @return a warning if it is on a path that is usually local to each machine, where Slurm jobs
     *     on other nodes cannot see their job directories
     */
    static Optional<String> nodeLocalWarning(Path home) {
        Path real;
        try {
            real = home.toRealPath();
        } catch (IOException e) {
            real = home.toAbsolutePath().normalize();
        }
        for (Path local : NODE_LOCAL) {
            if (real.startsWith(local)) {
                return Optional.of("The Persist home " + home + " is under " + local + ", which is usually local to"
                        + " each machine: Slurm jobs running on other nodes cannot see their job directories there."
                        + " Use a home on a file system the compute nodes share (system property persist.home or"
                        + " environment variable PERSIST_HOME)");
            }
        }
        return Optional.empty();
    }
}
