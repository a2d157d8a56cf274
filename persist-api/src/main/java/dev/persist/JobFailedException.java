package dev.persist;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Thrown by {@link Job#fetch()} when the job ended without a result: it failed or was cancelled.
 *
 * <p>When the task threw, {@link #getCause()} is that exception rebuilt in this JVM: the original
 * class if it can be loaded here, otherwise a {@link RemoteException} with the same class name,
 * message, stack trace and causes. {@link #remoteStackTrace()} has the trace as the job printed it.
 */
public final class JobFailedException extends PersistException {
    private static final long serialVersionUID = 1L;

    private final String jobName;
    private final JobStatus status;
    private final String reason;
    private final Integer exitCode;
    private final String remoteClassName;
    private final String remoteMessage;
    private final String remoteStackTrace;

    /**
     * @param jobName the job
     * @param status {@link JobStatus#FAILED} or {@link JobStatus#CANCELLED}
     * @param reason why, in words ("task threw ...", "exit code 3", "time limit", "cancelled")
     * @param exitCode the exit code of the job's process, or null when it has none (killed, lost)
     * @param remote the exception the task threw, rebuilt in this JVM, or null
     * @param remoteClassName the class name of the task's exception, or null
     * @param remoteMessage the message of the task's exception, or null
     * @param remoteStackTrace the task's exception as printed by the job, or null
     */
    public JobFailedException(String jobName, JobStatus status, String reason, Integer exitCode,
            Throwable remote, String remoteClassName, String remoteMessage, String remoteStackTrace) {
        super("Job '" + jobName + "' " + status.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason, remote);
        this.jobName = Objects.requireNonNull(jobName, "jobName");
        this.status = Objects.requireNonNull(status, "status");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.exitCode = exitCode;
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
        this.remoteStackTrace = remoteStackTrace;
    }

    /** @return the job's name */
    public String jobName() {
        return jobName;
    }

    /** @return {@link JobStatus#FAILED} or {@link JobStatus#CANCELLED} */
    public JobStatus status() {
        return status;
    }

    /** @return why the job ended without a result, in words */
    public String reason() {
        return reason;
    }

    /** @return the exit code of the job's process, if it exited (not when killed or lost) */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** @return the class name of the exception the task threw, if it threw */
    public Optional<String> remoteClassName() {
        return Optional.ofNullable(remoteClassName);
    }

    /** @return the message of the exception the task threw, if it threw and had one */
    public Optional<String> remoteMessage() {
        return Optional.ofNullable(remoteMessage);
    }

    /** @return the task's exception with its causes, as the job printed it, if it threw */
    public Optional<String> remoteStackTrace() {
        return Optional.ofNullable(remoteStackTrace);
    }
}
