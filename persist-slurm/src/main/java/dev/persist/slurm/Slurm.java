package dev.persist.slurm;

import dev.persist.slurm.CommandRunner.CommandResult;
import dev.persist.slurm.CommandRunner.CommandTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slurm's commands as Persist uses them: argument vectors, a timeout on every call, retries of
 * transient errors with backoff, and parsing of what they print.
 */
final class Slurm {

    /** How long any one scheduler command may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Pauses before the second, third, ... attempt after a transient error; jittered by ±25%. */
    static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8));
    /**
     * The longest {@code --jobs=...} argument: Linux refuses single arguments over 128 KiB, so more
     * ids are asked in several calls (10,000 seven-digit ids still fit in one).
     */
    static final int MAX_JOBS_ARGUMENT = 100_000;

    /** Errors that say the controller is busy or unreachable, not that the request is wrong. */
    private static final List<String> TRANSIENT = List.of("socket timed out", "submission rate too high",
            "rate limit", "too many rpcs", "temporarily unavailable", "try again",
            "unable to contact slurm controller", "communication connection failure", "message send failure",
            "message receive failure", "zero bytes were transmitted", "connection refused",
            "connection reset", "slurmctld is not responding");
    private static final Logger LOG = LoggerFactory.getLogger(Slurm.class);

    /** Waits between attempts; tests pass one that does not. */
    @FunctionalInterface
    interface Sleeper {
        /** Sleeps with {@link Thread#sleep}. */
        Sleeper THREAD = pause -> TimeUnit.NANOSECONDS.sleep(pause.toNanos());

        void sleep(Duration pause) throws InterruptedException;
    }

    private final CommandRunner runner;
    private final Sleeper sleeper;
    private volatile boolean accounting = true;

    Slurm(CommandRunner runner, Sleeper sleeper) {
        this.runner = runner;
        this.sleeper = sleeper;
    }

    /**
     * Submits a batch job. Transient errors are retried; before each retry, a job this call may
     * have submitted after all (sbatch timed out waiting for the controller's answer) is looked
     * for by its name and output file, so that a retry never submits the job twice.
     *
     * @param sbatch the sbatch command line, with {@code --parsable}
     * @param environment the job's variables, set in sbatch's environment (exported by {@code --export=ALL})
     * @param name the job name given with {@code --job-name}
     * @param output the file pattern given with {@code --output}
     * @param clusters the clusters given with {@code --clusters}, or empty
     * @return the new job's id
     * @throws IOException carrying sbatch's message if it rejected the job
     */
    SlurmId submit(List<String> sbatch, Map<String, String> environment, String name, String output, String clusters)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            String error;
            boolean retry;
            try {
                CommandResult result = runner.run(sbatch, environment, TIMEOUT);
                if (result.exitCode() == 0) {
                    return SlurmId.parse(lastLine(result.stdout()));
                }
                error = message(result);
                retry = isTransient(error);
            } catch (CommandTimeoutException e) {
                error = e.getMessage();
                retry = true;
            }
            if (!retry || attempt == BACKOFF.size()) {
                throw new IOException("sbatch rejected the job: " + error + attempts(attempt));
            }
            LOG.info("sbatch failed, retrying: {}", error);
            backOff(attempt);
            Optional<SlurmId> submitted = findSubmitted(name, output, clusters);
            if (submitted.isPresent()) {
                return submitted.get();
            }
        }
    }

    /** A job with this name writing to this output file, which an earlier attempt submitted after all. */
    private Optional<SlurmId> findSubmitted(String name, String output, String clusters) {
        List<String> squeue = new ArrayList<>(List.of("squeue", "--noheader", "--states=all", "--name=" + name,
                "--Format=JobID:|,STDOUT:"));
        addCluster(squeue, clusters);
        try {
            CommandResult result = runner.run(squeue, Map.of(), TIMEOUT);
            if (result.exitCode() != 0) {
                LOG.debug("Could not look for an earlier submission of {}: {}", name, message(result));
                return Optional.empty();
            }
            String cluster = "";
            for (String line : result.stdout().split("\n")) {
                int bar = line.indexOf('|');
                if (line.startsWith("CLUSTER: ")) {
                    cluster = line.substring("CLUSTER: ".length()).strip();
                } else if (bar > 0 && line.substring(bar + 1).strip().equals(output)) {
                    return Optional.of(new SlurmId(line.substring(0, bar).strip(), cluster));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Could not look for an earlier submission of {}: {}", name, e.toString());
        }
        return Optional.empty();
    }

    /**
     * What squeue knows about some jobs, in one call (more only if the ids do not fit in one
     * argument). squeue forgets a job a few minutes after it ended (MinJobAge).
     *
     * @param cluster the jobs' cluster, or empty
     * @param ids job ids
     * @return the jobs squeue knows, by id; the others are missing
     * @throws IOException if squeue fails, or prints something that is not the rows asked for
     */
    Map<String, SlurmJob> squeue(String cluster, Collection<String> ids) throws IOException {
        Map<String, SlurmJob> jobs = new HashMap<>();
        for (List<String> chunk : chunks(ids)) {
            // With one id, squeue fails for an unknown job; with two or more it leaves unknown ones out.
            String list = chunk.size() == 1 ? chunk.get(0) + "," + chunk.get(0) : String.join(",", chunk);
            List<String> squeue = new ArrayList<>(List.of("squeue", "--noheader", "--states=all", "--jobs=" + list,
                    "--Format=" + SlurmJob.SQUEUE_FORMAT));
            addCluster(squeue, cluster);
            CommandResult result = runChecked(squeue);
            for (String line : result.stdout().split("\n")) {
                if (!line.isBlank() && !line.startsWith("CLUSTER: ")) {
                    SlurmJob job = SlurmJob.parseSqueue(line);
                    jobs.put(job.id(), job);
                }
            }
        }
        jobs.keySet().retainAll(ids);
        return jobs;
    }

    /**
     * What Slurm's accounting knows about jobs squeue has forgotten. Many sites have accounting;
     * where it is disabled, this is found out once and never asked again.
     *
     * @param cluster the jobs' cluster, or empty
     * @param ids job ids
     * @return the jobs accounting knows, by id; empty if there is no accounting or it failed
     */
    Map<String, SlurmJob> sacct(String cluster, Collection<String> ids) throws IOException {
        Map<String, SlurmJob> jobs = new HashMap<>();
        if (!accounting || ids.isEmpty()) {
            return jobs;
        }
        for (List<String> chunk : chunks(ids)) {
            List<String> sacct = new ArrayList<>(List.of("sacct", "--noheader", "--parsable2", "--allocations",
                    "--jobs=" + String.join(",", chunk), "--format=" + SlurmJob.SACCT_FORMAT));
            addCluster(sacct, cluster);
            CommandResult result = runRetrying(sacct);
            if (result.exitCode() != 0) {
                String error = message(result);
                if (error.toLowerCase(Locale.ROOT).contains("accounting storage is disabled")) {
                    accounting = false;
                } else {
                    LOG.warn("Slurm's accounting could not be asked about {} job(s): {}", chunk.size(), error);
                }
                return jobs;
            }
            for (String line : result.stdout().split("\n")) {
                if (!line.isBlank()) {
                    SlurmJob job = SlurmJob.parseSacct(line);
                    jobs.put(job.id(), job);
                }
            }
        }
        jobs.keySet().retainAll(ids);
        return jobs;
    }

    /**
     * Asks Slurm to cancel a job. Its exit code does not say whether the job existed or stopped:
     * ask squeue afterwards.
     *
     * @param id the job
     * @throws IOException if scancel reports an error, such as permission denied
     */
    void scancel(SlurmId id) throws IOException {
        List<String> scancel = new ArrayList<>(List.of("scancel"));
        addCluster(scancel, id.cluster());
        scancel.add(id.jobId());
        runChecked(scancel);
    }

    /**
     * Pauses the calling thread.
     *
     * @param pause how long
     * @throws InterruptedIOException if interrupted
     */
    void pause(Duration pause) throws InterruptedIOException {
        try {
            sleeper.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for Slurm");
        }
    }

    /** Runs a command, retrying transient errors; a remaining error is an exception with its message. */
    private CommandResult runChecked(List<String> command) throws IOException {
        CommandResult result = runRetrying(command);
        if (result.exitCode() != 0) {
            throw new IOException(command.get(0) + " failed (exit code " + result.exitCode() + "): " + message(result));
        }
        return result;
    }

    /** Runs a command, retrying while it fails transiently or times out; returns its last result. */
    private CommandResult runRetrying(List<String> command) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String error;
            try {
                CommandResult result = runner.run(command, Map.of(), TIMEOUT);
                if (result.exitCode() == 0 || !isTransient(message(result)) || attempt == BACKOFF.size()) {
                    return result;
                }
                error = message(result);
            } catch (CommandTimeoutException e) {
                if (attempt == BACKOFF.size()) {
                    throw new IOException(e.getMessage() + attempts(attempt), e);
                }
                error = e.getMessage();
            }
            LOG.info("{} failed, retrying: {}", command.get(0), error);
            backOff(attempt);
        }
    }

    /** Waits before attempt {@code attempt + 1}: {@link #BACKOFF}, jittered so that many clients spread out. */
    private void backOff(int attempt) throws InterruptedIOException {
        double jitter = 0.75 + 0.5 * ThreadLocalRandom.current().nextDouble();
        pause(Duration.ofNanos((long) (BACKOFF.get(attempt).toNanos() * jitter)));
    }

    private static String attempts(int attempt) {
        return attempt == 0 ? "" : " (tried " + (attempt + 1) + " times)";
    }

    private static boolean isTransient(String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        return TRANSIENT.stream().anyMatch(lower::contains);
    }

    /** What a failed command said: its standard error, else its standard output, on one line. */
    static String message(CommandResult result) {
        String text = result.stderr().isBlank() ? result.stdout() : result.stderr();
        String joined = String.join("; ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        return joined.isEmpty() ? "no message (exit code " + result.exitCode() + ")" : joined;
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static void addCluster(List<String> command, String cluster) {
        if (!cluster.isEmpty()) {
            command.add(1, "--clusters=" + cluster);
        }
    }

    /** Splits ids into lists whose comma-separated form fits in {@link #MAX_JOBS_ARGUMENT}. */
    static List<List<String>> chunks(Collection<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> chunk = new ArrayList<>();
        int length = 0;
        for (String id : ids) {
            if (!chunk.isEmpty() && length + id.length() + 1 > MAX_JOBS_ARGUMENT) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                length = 0;
            }
            chunk.add(id);
            length += id.length() + 1;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }
}
