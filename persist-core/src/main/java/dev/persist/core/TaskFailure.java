package dev.persist.core;

import dev.persist.RemoteException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * An exception thrown by a job, in a form any JVM can read: class names, messages, stack traces,
 * causes and suppressed exceptions, plus the original exception in Java serialization form when
 * it has one, so that it can be rebuilt as itself where its class is available.
 *
 * @param className the exception's class
 * @param message its message, or null
 * @param stackTrace its stack trace
 * @param cause its cause, or null
 * @param suppressed its suppressed exceptions
 * @param printed the whole exception as {@link Throwable#printStackTrace()} prints it
 * @param original the exception in Java serialization form, or null if it could not be serialized
 */
public record TaskFailure(String className, String message, StackTraceElement[] stackTrace, TaskFailure cause,
        TaskFailure[] suppressed, String printed, byte[] original) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Only these classes (and arrays of them) may appear in a stored failure, outside the
     * original exception's bytes.
     */
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "dev.persist.core.TaskFailure;java.lang.StackTraceElement;java.lang.String;maxdepth=200;!*");

    /**
     * @param t an exception
     * @return its description, including the original in serialized form if possible
     */
    public static TaskFailure of(Throwable t) {
        StringWriter printed = new StringWriter();
        t.printStackTrace(new PrintWriter(printed));
        return of(t, printed.toString(), serialize(t), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static TaskFailure of(Throwable t, String printed, byte[] original, Set<Throwable> seen) {
        seen.add(t);
        Throwable cause = t.getCause();
        TaskFailure causeFailure = cause == null || seen.contains(cause) ? null : of(cause, null, null, seen);
        Throwable[] suppressed = t.getSuppressed();
        TaskFailure[] suppressedFailures = new TaskFailure[suppressed.length];
        for (int i = 0; i < suppressed.length; i++) {
            suppressedFailures[i] = of(suppressed[i], null, null, seen);
        }
        return new TaskFailure(t.getClass().getName(), t.getMessage(), t.getStackTrace(), causeFailure,
                suppressedFailures, printed, original);
    }

    private static byte[] serialize(Throwable t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(t);
        } catch (IOException | RuntimeException e) {
            return null; // a field of the exception is not serializable: the description suffices
        }
        return bytes.toByteArray();
    }

    /** @return the failure in its stored form */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (IOException e) {
            throw new IllegalStateException("A TaskFailure holds only serializable values", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param in the stored form
     * @return the failure
     * @throws IOException if the data is not a stored failure
     */
    public static TaskFailure read(InputStream in) throws IOException {
        try (ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(FILTER);
            if (objects.readObject() instanceof TaskFailure failure) {
                return failure;
            }
            throw new IOException("it does not hold an exception description");
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("it does not hold an exception description", e);
        }
    }

    /**
     * Rebuilds the exception in this JVM: the original if its class loads through {@code loader},
     * otherwise {@link RemoteException}s with the same names, messages and stack traces.
     *
     * @param loader where to find the exception's classes
     * @return the exception
     */
    public Throwable rebuild(ClassLoader loader) {
        if (original != null) {
            try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(original), loader)) {
                if (in.readObject() instanceof Throwable t) {
                    return t;
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                // the class is missing or changed here: fall back to the description
            }
        }
        return remote();
    }

    private RemoteException remote() {
        RemoteException e = new RemoteException(className, message, cause == null ? null : cause.remote());
        e.setStackTrace(stackTrace);
        for (TaskFailure s : suppressed) {
            e.addSuppressed(s.remote());
        }
        return e;
    }

    /** @return "class: message", as the first line of a printed stack trace */
    public String summary() {
        return message == null ? className : className + ": " + message;
    }

    /** Resolves classes through a given loader, as the job's deserialization does. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (LinkageError e) {
                throw new InvalidClassException(desc.getName(), e.toString());
            }
        }
    }
}
