package dev.persist.slurm;

import dev.persist.spi.JobRef;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Slurm job's identity: its id and, on a multi-cluster site, its cluster. Stored as the job's
 * handle: {@code jobId} and, if set, {@code cluster}.
 *
 * @param jobId the job id, digits
 * @param cluster the cluster sbatch named, or empty for the default cluster
 */
record SlurmId(String jobId, String cluster) {

    private static final Pattern JOB_ID = Pattern.compile("[0-9]{1,18}");
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9._-]{0,64}");

    /** Checks the components. */
    SlurmId {
        if (!JOB_ID.matcher(jobId).matches() || !CLUSTER.matcher(cluster).matches()) {
            throw new IllegalArgumentException("not a Slurm job id: '" + jobId + "' on cluster '" + cluster + "'");
        }
    }

    /**
     * @param parsable what {@code sbatch --parsable} printed: {@code id} or {@code id;cluster}
     * @return the id
     * @throws IOException if it is neither
     */
    static SlurmId parse(String parsable) throws IOException {
        String text = parsable.strip();
        int semicolon = text.indexOf(';');
        try {
            return semicolon < 0 ? new SlurmId(text, "")
                    : new SlurmId(text.substring(0, semicolon), text.substring(semicolon + 1));
        } catch (IllegalArgumentException e) {
            throw new IOException("sbatch printed '" + text + "' where a job id was expected (id or id;cluster); "
                    + "the job may have been submitted: check squeue");
        }
    }

    /**
     * @param job a job launched by the Slurm backend
     * @return its Slurm id
     * @throws IOException if its handle is not a Slurm handle
     */
    static SlurmId of(JobRef job) throws IOException {
        Map<String, String> handle = job.handle();
        String id = handle.get("jobId");
        try {
            return new SlurmId(id == null ? "" : id, handle.getOrDefault("cluster", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException("Job '" + job.name() + "' has an invalid Slurm handle " + handle
                    + "; expected a numeric jobId (and optionally a cluster)");
        }
    }

    /** @return the handle to store with the job */
    Map<String, String> toHandle() {
        Map<String, String> handle = new HashMap<>();
        handle.put("jobId", jobId);
        if (!cluster.isEmpty()) {
            handle.put("cluster", cluster);
        }
        return handle;
    }

    @Override
    public String toString() {
        return cluster.isEmpty() ? jobId : jobId + " on cluster " + cluster;
    }
}
