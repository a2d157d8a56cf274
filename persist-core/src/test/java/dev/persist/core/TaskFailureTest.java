package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.RemoteException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class TaskFailureTest {

    /** Not serializable because of its field, so only its description can travel. */
    static final class Unserializable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings({"unused", "serial"})
        private final Object lock = new Object();

        Unserializable(String message) {
            super(message);
        }
    }

    private static TaskFailure roundTrip(Throwable t) throws IOException {
        return TaskFailure.read(new ByteArrayInputStream(TaskFailure.of(t).toBytes()));
    }

    @Test
    void anExceptionIsRebuiltAsItselfWithItsCause() throws IOException {
        IllegalStateException original = new IllegalStateException("boom", new IOException("disk"));
        original.addSuppressed(new ArithmeticException("extra"));
        TaskFailure failure = roundTrip(original);
        Throwable rebuilt = failure.rebuild(getClass().getClassLoader());
        assertInstanceOf(IllegalStateException.class, rebuilt);
        assertEquals("boom", rebuilt.getMessage());
        assertEquals("disk", rebuilt.getCause().getMessage());
        assertArrayEquals(original.getStackTrace(), rebuilt.getStackTrace());
        assertTrue(failure.printed().contains("Caused by: java.io.IOException: disk"), failure.printed());
        assertEquals("java.lang.IllegalStateException: boom", failure.summary());
    }

    @Test
    void anExceptionThatCannotBeSerializedIsRebuiltAsARemoteException() throws IOException {
        Unserializable original = new Unserializable("no way");
        original.initCause(new IllegalArgumentException("root"));
        TaskFailure failure = roundTrip(original);
        assertNull(failure.original());
        RemoteException rebuilt = assertInstanceOf(RemoteException.class, failure.rebuild(getClass().getClassLoader()));
        assertEquals(Unserializable.class.getName(), rebuilt.remoteClassName());
        assertEquals(Unserializable.class.getName() + ": no way", rebuilt.toString());
        assertArrayEquals(original.getStackTrace(), rebuilt.getStackTrace());
        assertEquals("java.lang.IllegalArgumentException: root", rebuilt.getCause().toString());
    }

    @Test
    void aClassMissingHereFallsBackToARemoteException() throws IOException {
        TaskFailure failure = roundTrip(new MissingHere("gone"));
        try (URLClassLoader platformOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            RemoteException rebuilt = assertInstanceOf(RemoteException.class, failure.rebuild(platformOnly));
            assertEquals(MissingHere.class.getName(), rebuilt.remoteClassName());
            assertEquals("gone", rebuilt.getMessage());
        }
    }

    static final class MissingHere extends Exception {
        private static final long serialVersionUID = 1L;

        MissingHere(String message) {
            super(message);
        }
    }

    @Test
    void aCauseCycleDoesNotLoop() throws IOException {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        TaskFailure failure = roundTrip(a);
        assertEquals("b", failure.cause().message());
        assertNull(failure.cause().cause());
    }

    @Test
    void otherObjectsAreNotDeserialized() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.ArrayList<>(java.util.List.of("x")));
        }
        assertThrows(IOException.class, () -> TaskFailure.read(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
