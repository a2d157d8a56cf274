package dev.persist.core;

/**
 * Thrown by {@link KryoCodec} when serialized data cannot be turned back into a value: it is
 * truncated or corrupted, a class it needs is missing from the reading class loader, or the code
 * it refers to (such as a lambda's defining class) changed since it was written. The message says
 * which; the cause is the original failure.
 */
public final class UnreadableDataException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
