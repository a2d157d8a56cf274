package dev.persist.core;

/**
 * A failure inside a serializer whose message is already fit for the user; {@link KryoCodec}
 * reports it as an {@link UnreadableDataException} with this message.
 */
final class ReadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
