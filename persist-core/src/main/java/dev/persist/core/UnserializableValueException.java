package dev.persist.core;

import static java.util.Objects.requireNonNull;

/**
 * Thrown by {@link KryoCodec} when a value cannot be serialized: a lambda whose target type is not
 * {@link java.io.Serializable}, or something that only means anything inside this JVM, such as a
 * thread, a stream or {@code System.out}. The message names the offending class, says where it was
 * found in the value, and what to do about it.
 */
public final class UnserializableValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String offendingClass;

    UnserializableValueException(String offendingClass, String message, Throwable cause) {
        super(message, cause);
        this.offendingClass = requireNonNull(offendingClass, "offendingClass is null");
    }

    /**
     * @return the name of the class that cannot be serialized, e.g. {@code java.lang.Thread}, or
     *     for a lambda the name of its (JVM-generated) class
     */
    public String offendingClass() {
        return offendingClass;
    }
}
