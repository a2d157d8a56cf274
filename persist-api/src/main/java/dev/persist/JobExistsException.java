package dev.persist;

import java.nio.file.Path;

/** Thrown when a job is persisted under a name another job already has. */
public final class JobExistsException extends PersistException {
    private static final long serialVersionUID = 1L;

    private final String jobName;

    /**
     * @param jobName the name that is taken
     * @param home the home directory holding the existing job
     */
    public JobExistsException(String jobName, Path home) {
        super("A job named '" + jobName + "' already exists under " + home
                + "; choose another name, or remove the old job with cleanup()");
        this.jobName = jobName;
    }

    /** @return the name that is taken */
    public String jobName() {
        return jobName;
    }
}
