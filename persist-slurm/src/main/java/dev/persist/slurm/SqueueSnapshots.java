package dev.persist.slurm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
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
 * threads are waiting for ride along. A question whose jobs a call in flight covers waits for
 * that call; the others wait for one call made right after it, for all of them together.
 */
final class SqueueSnapshots {

    /** How long an answer is reused. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** How long a job asked about stays in the calls made for others (core re-checks every 5 s at most). */
    static final Duration INTEREST = Duration.ofSeconds(15);

    private final Slurm slurm;
    private final LongSupplier nanoTime;
    private final Map<String, Cluster> clusters = new HashMap<>();

    /** One squeue call: the ids it asks about, when it started, and its answer. */
    private static final class Call {
        final Set<String> asked = new HashSet<>(); // guarded by the SqueueSnapshots; fixed once started
        long started;
        final CompletableFuture<Map<String, SlurmJob>> answer = new CompletableFuture<>();
    }

    /**
     * Per cluster: who asked about what and when, the last answer, the call in flight, and the
     * call that collects questions the call in flight does not cover, to be made after it.
     */
    private static final class Cluster {
        final Map<String, Long> interest = new HashMap<>();
        Call latest;
        Call inFlight;
        Call next;
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
        Call after = null;
        boolean mine = false;
        synchronized (this) {
            Cluster c = clusters.computeIfAbsent(cluster, k -> new Cluster());
            long now = nanoTime.getAsLong();
            c.interest.values().removeIf(asked -> now - asked > INTEREST.toNanos());
            for (String id : ids) {
                c.interest.put(id, now);
            }
            if (c.latest != null && now - c.latest.started < MAX_AGE.toNanos() && c.latest.asked.containsAll(ids)) {
                call = c.latest;
            } else if (c.inFlight != null && c.inFlight.asked.containsAll(ids)) {
                call = c.inFlight;
            } else if (c.inFlight != null) {
                if (c.next == null) {
                    c.next = new Call();
                    after = c.inFlight;
                    mine = true;
                }
                c.next.asked.addAll(ids);
                call = c.next;
            } else {
                call = new Call();
                call.asked.addAll(c.interest.keySet());
                call.started = now;
                c.inFlight = call;
                mine = true;
            }
        }
        if (mine) {
            make(cluster, call, after);
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

    /** Makes {@code call}, after {@code after} (if not null) has ended, and keeps its answer. */
    private void make(String cluster, Call call, Call after) {
        Set<String> asked;
        if (after != null) {
            try {
                after.answer.get();
            } catch (ExecutionException e) {
                // its failure is its own callers'; this call is made anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the call below fails and says so
            }
        }
        synchronized (this) {
            Cluster c = clusters.get(cluster);
            if (after != null) {
                if (c.next == call) {
                    c.next = null;
                }
                call.asked.addAll(c.interest.keySet());
                call.started = nanoTime.getAsLong();
                c.inFlight = call;
            }
            asked = Set.copyOf(call.asked);
        }
        try {
            call.answer.complete(slurm.squeue(cluster, asked));
        } catch (IOException | RuntimeException e) {
            call.answer.completeExceptionally(e);
        }
        synchronized (this) {
            Cluster c = clusters.get(cluster);
            if (c.inFlight == call) {
                c.inFlight = null;
            }
            if (!call.answer.isCompletedExceptionally() && (c.latest == null || c.latest.started < call.started)) {
                c.latest = call;
            }
        }
    }

    private static Map<String, SlurmJob> await(Call call) throws IOException {
        try {
            return call.answer.get();
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
