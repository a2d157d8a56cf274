package dev.persist;

/** The root of the unchecked exceptions Persist throws. */
public class PersistException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and, where possible, what to do about it
     */
    public PersistException(String message) {
        super(message);
    }

    /**
     * @param message what happened and, where possible, what to do about it
     * @param cause the underlying failure
     */
    public PersistException(String message, Throwable cause) {
        super(message, cause);
    }
}
