package dev.persist.slurm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * Shares squeue answers between everyone asking about jobs in this JVM, so that waiting on many
 * jobs at once costs one squeue call per second, not one per job and check.
 *
 * <p>An answer is reused for {@link #MAX_AGE} by every question about jobs it covered. A new call
 * asks about every job anyone asked about in the last {@link #INTEREST}, so the jobs other
 * threads are waiting for ride along; a question whose jobs are covered by a call in flight
 * waits for that call instead of making its own.
 */
final class SqueueSnapshots {

    /** How long an answer is reused. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** How long a job asked about stays in the calls made for others (core re-checks every 5 s at most). */
    static final Duration INTEREST = Duration.ofSeconds(15);

    private final Slurm slurm;
    private final LongSupplier nanoTime;
    private final Map<String, Cluster> clusters = new HashMap<>();

    /** One squeue call: the ids it asked about, when it started, and its answer. */
    private record Call(Set<String> asked, long started, CompletableFuture<Map<String, SlurmJob>> answer) {
    }

    /** What is known per cluster: who asked about what and when, the last answer, the call in flight. */
    private static final class Cluster {
        final Map<String, Long> interest = new HashMap<>();
        Call latest;
        Call inFlight;
    }

    SqueueSnapshots(Slurm slurm, LongSupplier nanoTime) {
        this.slurm = slurm;
        this.nanoTime = nanoTime;
    }

    /**
     * @param cluster the jobs' cluster, or empty
     * @param ids job ids
     * @return what squeue knew about them at most {@link #MAX_AGE} ago (a call started then), by
     *     id; a job squeue does not know is missing
     * @throws IOException if squeue failed
     */
    Map<String, SlurmJob> jobs(String cluster, Set<String> ids) throws IOException {
        Call call;
        boolean mine = false;
        synchronized (this) {
            Cluster c = clusters.computeIfAbsent(cluster, k -> new Cluster());
            long now = nanoTime.getAsLong();
            c.interest.values().removeIf(asked -> now - asked > INTEREST.toNanos());
            for (String id : ids) {
                c.interest.put(id, now);
            }
            if (c.latest != null && now - c.latest.started() < MAX_AGE.toNanos() && c.latest.asked().containsAll(ids)) {
                call = c.latest;
            } else if (c.inFlight != null && c.inFlight.asked().containsAll(ids)) {
                call = c.inFlight;
            } else {
                call = new Call(Set.copyOf(c.interest.keySet()), now, new CompletableFuture<>());
                c.inFlight = call;
                mine = true;
            }
        }
        if (mine) {
            make(cluster, call);
        }
        Map<String, SlurmJob> known = await(call);
        Map<String, SlurmJob> asked = new HashMap<>();
        for (String id : ids) {
            SlurmJob job = known.get(id);
            if (job != null) {
                asked.put(id, job);
            }
        }
        return asked;
    }

    private void make(String cluster, Call call) {
        try {
            call.answer().complete(slurm.squeue(cluster, call.asked()));
        } catch (IOException | RuntimeException e) {
            call.answer().completeExceptionally(e);
        }
        synchronized (this) {
            Cluster c = clusters.get(cluster);
            if (c.inFlight == call) {
                c.inFlight = null;
            }
            if (!call.answer().isCompletedExceptionally() && (c.latest == null || c.latest.started() < call.started())) {
                c.latest = call;
            }
        }
    }

    private static Map<String, SlurmJob> await(Call call) throws IOException {
        try {
            return call.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for squeue");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IOException("squeue could not be asked: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Forgets the answers about a cluster's jobs, so that the next question makes a new call:
     * after a job was cancelled, an older answer would be wrong.
     *
     * @param cluster a cluster, or empty
     */
    synchronized void forget(String cluster) {
        Cluster c = clusters.get(cluster);
        if (c != null) {
            c.latest = null;
            c.inFlight = null;
        }
    }
}
