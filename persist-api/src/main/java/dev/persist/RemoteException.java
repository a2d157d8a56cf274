package dev.persist;

import java.util.Objects;

/**
 * Stands in for an exception thrown by a job whose class cannot be loaded or rebuilt in this JVM.
 * It has the original's class name, message, stack trace, causes and suppressed exceptions;
 * {@link #toString()} prints like the original would.
 */
public final class RemoteException extends PersistException {
    private static final long serialVersionUID = 1L;

    private final String remoteClassName;
    private final String remoteMessage;

    /**
     * @param remoteClassName the original exception's class name
     * @param remoteMessage the original exception's message, or null
     * @param cause the original's cause, rebuilt, or null
     */
    public RemoteException(String remoteClassName, String remoteMessage, Throwable cause) {
        super(remoteMessage, cause);
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
        this.remoteMessage = remoteMessage;
    }

    /** @return the class name of the exception the job threw */
    public String remoteClassName() {
        return remoteClassName;
    }

    @Override
    public String toString() {
        return remoteMessage == null ? remoteClassName : remoteClassName + ": " + remoteMessage;
    }
}
