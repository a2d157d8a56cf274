package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.RemoteException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** Records, in a static flag, whether Java serialization ever ran its {@code readObject}. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean READ = new AtomicBoolean();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ.set(true);
        }
    }

    private static byte[] javaSerialized(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Test
    void otherObjectsAreRejectedBeforeTheyAreDeserialized() throws Exception {
        byte[] bytes = javaSerialized(new Tripwire());
        // The test is only meaningful if plain deserialization does run the class's readObject.
        Tripwire.READ.set(false);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            assertInstanceOf(Tripwire.class, in.readObject());
        }
        assertTrue(Tripwire.READ.get(), "an unfiltered stream runs readObject");

        Tripwire.READ.set(false);
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> TaskFailure.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
        assertFalse(Tripwire.READ.get(), "the filter rejected the class before its readObject ran");
    }

    /**
     * A real TaskFailure's fields cannot hold other objects, so a stand-in with the same class name
     * and an Object-typed {@code message}, loaded apart from the real one, writes a stream that a
     * TaskFailure reader would accept at the top level but that carries another object inside.
     */
    @Test
    void otherObjectsNestedInAFailureAreRejectedBeforeTheyAreDeserialized(@TempDir Path dir) throws Exception {
        CompiledClasses.compile(dir, Map.of("dev.persist.core.TaskFailure", """
                package dev.persist.core;
                public record TaskFailure(String className, Object message, StackTraceElement[] stackTrace,
                        TaskFailure cause, TaskFailure[] suppressed, String printed, byte[] original)
                        implements java.io.Serializable {
                    private static final long serialVersionUID = 1L;
                }
                """)).close();
        byte[] bytes;
        try (URLClassLoader standIn = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> type = standIn.loadClass(TaskFailure.class.getName());
            assertNotSame(TaskFailure.class, type);
            Object failure = type.getConstructors()[0].newInstance("java.lang.Error", new Tripwire(),
                    new StackTraceElement[0], null, Array.newInstance(type, 0),
                    "printed", null);
            bytes = javaSerialized(failure);
        }
        // Without the filter, the nested object is deserialized before the record's types are checked.
        Tripwire.READ.set(false);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            assertThrows(Exception.class, in::readObject);
        }
        assertTrue(Tripwire.READ.get(), "an unfiltered stream runs the nested object's readObject");

        Tripwire.READ.set(false);
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> TaskFailure.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
        assertFalse(Tripwire.READ.get(), "the filter rejected the nested class before its readObject ran");
    }
}
