package dev.persist;

import java.nio.file.Path;

/** Thrown when a job name is looked up that no job under the home directory has. */
public final class NoSuchJobException extends PersistException {
    private static final long serialVersionUID = 1L;

    private final String jobName;

    /**
     * @param jobName the name that was looked up
     * @param home the home directory that was searched
     */
    public NoSuchJobException(String jobName, Path home) {
        super("No job named '" + jobName + "' under " + home
                + "; list the jobs with Persist.list() or `persist list`");
        this.jobName = jobName;
    }

    /** @return the name that was looked up */
    public String jobName() {
        return jobName;
    }
}
