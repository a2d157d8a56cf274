package dev.persist.core;

import static dev.persist.core.CodecTestSupport.assertNoKryoInternals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.PersistentTask;
import dev.persist.core.CodecTestSupport.Point;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KryoCodecErrorTest {
    private final KryoCodec codec = new KryoCodec();

    static final class Holder {
        final String name = "h";
        final PrintStream out = new PrintStream(OutputStream.nullOutputStream());
    }

    static final class Worker extends Thread {
    }

    static final class Link {
        final Link next;

        Link(Link next) {
            this.next = next;
        }
    }

    private UnserializableValueException rejected(Object value) {
        UnserializableValueException e = assertThrows(UnserializableValueException.class, () -> codec.toBytes(value));
        assertNoKryoInternals(e.getMessage());
        UnserializableValueException streamed = assertThrows(UnserializableValueException.class,
                () -> codec.write(value, OutputStream.nullOutputStream()));
        // Stack depths, and so counts in the path, differ between the two.
        assertEquals(e.getMessage().replaceAll("\\d+", "N"), streamed.getMessage().replaceAll("\\d+", "N"));
        return e;
    }

    private UnreadableDataException unreadable(byte[] bytes, ClassLoader loader) {
        UnreadableDataException e = assertThrows(UnreadableDataException.class, () -> codec.fromBytes(bytes, loader));
        assertNoKryoInternals(e.getMessage());
        assertNotNull(e.getCause());
        UnreadableDataException streamed = assertThrows(UnreadableDataException.class,
                () -> codec.read(new ByteArrayInputStream(bytes), loader));
        assertEquals(e.getMessage(), streamed.getMessage());
        return e;
    }

    @Test
    void capturedThreadIsRejectedNamingTheClass() {
        Thread thread = new Thread(() -> { });
        PersistentTask<String> task = () -> thread.getName();
        UnserializableValueException e = rejected(task);
        assertEquals("java.lang.Thread", e.offendingClass());
        assertEquals("Cannot serialize a value of type java.lang.Thread: threads, streams, sockets and other JVM"
                + " resources cannot be sent to another JVM. Capture the data they hold instead. Reached through:"
                + " captured value 1 of a lambda in " + getClass().getName() + ".", e.getMessage());
    }

    @Test
    void printStreamMethodReferenceIsRejectedNamingPrintStream() {
        PrintStream stream = new PrintStream(OutputStream.nullOutputStream());
        Consumer<String> print = (Consumer<String> & Serializable) stream::println;
        UnserializableValueException e = rejected(print);
        assertEquals("java.io.PrintStream", e.offendingClass());
        assertTrue(e.getMessage().startsWith("Cannot serialize a value of type java.io.PrintStream: threads, streams"),
                e.getMessage());
    }

    @Test
    void systemOutMethodReferenceIsRejectedNamingPrintStream() {
        // Under a test runner System.out may be a subclass of PrintStream.
        Consumer<String> print = (Consumer<String> & Serializable) System.out::println;
        UnserializableValueException e = rejected(print);
        assertEquals(System.out.getClass().getName(), e.offendingClass());
        assertTrue(e.getMessage().contains("java.io.PrintStream"), e.getMessage());
        assertTrue(e.getMessage().contains("Capture the data they hold instead."), e.getMessage());
    }

    @Test
    void fieldPathIsNamed() {
        Holder holder = new Holder();
        PersistentTask<String> task = () -> holder.name;
        UnserializableValueException e = rejected(new ArrayList<>(List.of(task)));
        assertEquals("java.io.PrintStream", e.offendingClass());
        assertTrue(e.getMessage().endsWith("Reached through: field 'out' (" + Holder.class.getName()
                + ") <- captured value 1 of a lambda in " + getClass().getName() + "."), e.getMessage());
    }

    @SuppressWarnings("Convert2Lambda")
    private static PersistentTask<String> anonymousTask(Holder holder) {
        return new PersistentTask<>() {
            @Override
            public String call() {
                return holder.name;
            }
        };
    }

    @Test
    void anonymousClassPathNamesTheCapturedVariableAndTheEnclosingInstance() {
        PersistentTask<String> task = anonymousTask(new Holder());
        UnserializableValueException e = rejected(task);
        assertTrue(e.getMessage().endsWith("Reached through: field 'out' (" + Holder.class.getName()
                + ") <- captured variable 'holder' of " + task.getClass().getName() + "."), e.getMessage());

        @SuppressWarnings("Convert2Lambda")
        PersistentTask<String> inInstanceMethod = new PersistentTask<>() {
            @Override
            public String call() {
                return "x";
            }
        };
        UnserializableValueException enclosing = rejected(inInstanceMethod);
        assertTrue(enclosing.getMessage().endsWith("<- field 'codec' (" + getClass().getName()
                + ") <- the enclosing instance of " + inInstanceMethod.getClass().getName() + "."), enclosing.getMessage());
    }

    @Test
    void topLevelJvmResourcesAreRejected(@TempDir Path dir) throws Exception {
        assertEquals("java.lang.Thread", rejected(Thread.currentThread()).offendingClass());
        var executor = Executors.newSingleThreadExecutor();
        try {
            assertTrue(rejected(executor).offendingClass().startsWith("java.util.concurrent."));
        } finally {
            executor.shutdown();
        }
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            assertEquals("java.io.FileInputStream", rejected(in).offendingClass());
        }
        assertEquals(getClass().getClassLoader().getClass().getName(),
                rejected(getClass().getClassLoader()).offendingClass());
    }

    @Test
    void subclassOfJdkClassThatIsNotSerializableIsRejected() {
        UnserializableValueException e = rejected(new Worker());
        assertEquals(Worker.class.getName(), e.offendingClass());
        assertEquals("Cannot serialize a value of type " + Worker.class.getName() + ": it is a java.lang.Thread, and"
                + " threads, streams, sockets and other JVM resources cannot be sent to another JVM. Capture the data"
                + " they hold instead.", e.getMessage());
    }

    @Test
    void collectionViewsAreRejectedWithAFix() {
        Map<String, Integer> map = new HashMap<>(Map.of("a", 1));
        UnserializableValueException e = rejected(map.keySet());
        assertEquals(map.keySet().getClass().getName(), e.offendingClass());
        assertTrue(e.getMessage().contains("Copy it into a plain collection first"), e.getMessage());
    }

    @Test
    void nonSerializableValueInsideAJavaSerializedJdkClassIsNamed() {
        List<Point> synchronizedPoints = Collections.synchronizedList(new ArrayList<>(List.of(new Point(1, 2))));
        UnserializableValueException e = rejected(synchronizedPoints);
        assertEquals(Point.class.getName(), e.offendingClass());
        assertTrue(e.getMessage().startsWith("Cannot serialize a value of type " + Point.class.getName()
                + ": it is inside a java.util.Collections$SynchronizedRandomAccessList"), e.getMessage());
    }

    @Test
    void truncatedDataIsReportedWithoutKryoInternals() {
        byte[] bytes = codec.toBytes(List.of(new Point(1, 2), "some text", new double[] {1, 2, 3}));
        for (int length : new int[] {0, 1, bytes.length / 2, bytes.length - 1}) {
            UnreadableDataException e = unreadable(Arrays.copyOf(bytes, length), getClass().getClassLoader());
            assertEquals("Cannot read the value: the data ends too early. It was truncated, for example by an"
                    + " interrupted write or a full disk.", e.getMessage());
        }
    }

    @Test
    void corruptedDataIsReportedWithoutKryoInternals() {
        UnreadableDataException e = unreadable(new byte[] {0x7f, 1, 2, 3}, getClass().getClassLoader());
        assertTrue(e.getMessage().startsWith("Cannot read the value: the data is corrupted"), e.getMessage());
    }

    @Test
    void missingClassIsNamed() throws IOException {
        byte[] bytes = codec.toBytes(new ArrayList<>(List.of(new Point(1, 2))));
        try (URLClassLoader platformOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            UnreadableDataException e = unreadable(bytes, platformOnly);
            assertEquals("Cannot read the value: class " + Point.class.getName() + " is not available in this JVM."
                    + " Read it with the class path it was written with.", e.getMessage());
        }
    }

    @Test
    void missingArrayElementClassIsNamed() throws IOException {
        byte[] bytes = codec.toBytes(new Point[][] {{new Point(1, 2)}});
        try (URLClassLoader platformOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            UnreadableDataException e = unreadable(bytes, platformOnly);
            assertTrue(e.getMessage().startsWith("Cannot read the value: class " + Point.class.getName() + " is not"),
                    e.getMessage());
        }
    }

    @Test
    void tooDeeplyNestedValueIsRejectedWithAShortMessage() {
        Link head = null;
        for (int i = 0; i < 1_000_000; i++) {
            head = new Link(head);
        }
        UnserializableValueException e = rejected(head);
        assertEquals(Link.class.getName(), e.offendingClass());
        assertTrue(e.getMessage().matches(".*nested too deeply.* Reached through: field 'next' \\("
                + Pattern.quote(Link.class.getName()) + "\\) \\(\\d+ times\\)\\."), e.getMessage());
    }

    /**
     * Run in a fresh JVM by {@link #aValueNestedTooDeeplyLeavesTheJvmWhole}: rejects a value
     * nested too deeply, then uses {@link StringBuffer}, which Kryo first used while unwinding.
     */
    public static void main(String[] args) {
        Link head = null;
        for (int i = 0; i < 1_000_000; i++) {
            head = new Link(head);
        }
        try {
            new KryoCodec().toBytes(head);
            System.out.println("not rejected");
        } catch (UnserializableValueException e) {
            System.out.println(new StringBuffer("still ").append("usable"));
        }
    }

    @Test
    void aValueNestedTooDeeplyLeavesTheJvmWhole() throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KryoCodecErrorTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
        assertEquals("still usable", output.strip(), output);
    }

    @Test
    void missingClassFromAnotherLoaderIsNamed(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = CompiledClasses.compile(dir, Map.of("gen.Payload", """
                package gen;
                public class Payload {
                    private final int value;
                    public Payload(int value) { this.value = value; }
                    public int value() { return value; }
                }
                """))) {
            Object payload = loader.loadClass("gen.Payload").getConstructor(int.class).newInstance(7);
            byte[] bytes = codec.toBytes(List.of(payload));
            Object read = ((List<?>) codec.fromBytes(bytes, loader)).get(0);
            assertEquals(loader.loadClass("gen.Payload"), read.getClass());
            assertEquals(7, read.getClass().getMethod("value").invoke(read));

            UnreadableDataException e = unreadable(bytes, getClass().getClassLoader());
            assertTrue(e.getMessage().contains("class gen.Payload is not available in this JVM"), e.getMessage());
        }
    }

    @Test
    void cycleThroughARecordIsReportedWhenRead() {
        record Box(List<Object> items) {
        }
        Box box = new Box(new ArrayList<>());
        box.items().add(box);
        UnreadableDataException e = unreadable(codec.toBytes(box), getClass().getClassLoader());
        assertTrue(e.getMessage().contains("cannot be part of a cycle"), e.getMessage());
    }
}
