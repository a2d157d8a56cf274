package dev.persist.core;

import static dev.persist.core.CodecTestSupport.assertNoKryoInternals;
import static dev.persist.core.CodecTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.PersistentTask;
import dev.persist.core.CodecTestSupport.Point;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LambdaSerializerTest {
    private final KryoCodec codec = new KryoCodec();

    /** A user object that is not Serializable, captured as {@code this}. */
    static final class Multiplier {
        private final int factor;

        Multiplier(int factor) {
            this.factor = factor;
        }

        PersistentTask<Integer> times(int n) {
            return () -> factor * n;
        }
    }

    /** Holds a lambda that captures the holder itself: a cycle Kryo cannot restore. */
    static final class SelfReferencing {
        final int factor = 3;
        final PersistentTask<Integer> task = () -> factor * 14;
    }

    static int answer() {
        return 42;
    }

    @Test
    void lambdaWithoutCapturesRoundTrips() throws Exception {
        PersistentTask<String> task = () -> "done";
        assertEquals("done", roundTrip(codec, task).call());
    }

    @Test
    void capturedValuesRoundTrip() throws Exception {
        int n = 6;
        String s = "x";
        Point point = new Point(2, 3);
        int[] numbers = {1, 2, 3};
        List<Point> points = new ArrayList<>(List.of(new Point(1, 1)));
        Map<String, Integer> map = Map.of("k", 5);
        PersistentTask<String> task = () -> s + n * point.x() * point.y() + numbers.length + points.get(0) + map.get("k");
        assertEquals(task.call(), roundTrip(codec, task).call());
    }

    @Test
    void lambdaCapturingThisOfANonSerializableObjectRoundTrips() throws Exception {
        assertEquals(42, roundTrip(codec, new Multiplier(7).times(6)).call());
    }

    @Test
    void nestedLambdasRoundTrip() throws Exception {
        Function<Integer, Integer> square = (Function<Integer, Integer> & Serializable) x -> x * x;
        PersistentTask<Integer> inner = () -> 5;
        PersistentTask<Integer> task = () -> square.apply(inner.call()) + 17;
        assertEquals(42, roundTrip(codec, task).call());
    }

    @Test
    void methodReferencesRoundTrip() throws Exception {
        PersistentTask<Integer> staticReference = LambdaSerializerTest::answer;
        assertEquals(42, roundTrip(codec, staticReference).call());

        @SuppressWarnings("unchecked")
        PersistentTask<Integer> intersection = (PersistentTask<Integer> & Serializable) LambdaSerializerTest::answer;
        assertEquals(42, roundTrip(codec, intersection).call());

        BinaryOperator<Integer> sum = (BinaryOperator<Integer> & Serializable) Integer::sum;
        PersistentTask<Integer> usesSum = () -> sum.apply(40, 2);
        assertEquals(42, roundTrip(codec, usesSum).call());

        PersistentTask<String> bound = "abc"::toUpperCase;
        assertEquals("ABC", roundTrip(codec, bound).call());

        PersistentTask<List<String>> constructor = ArrayList::new;
        assertEquals(List.of(), roundTrip(codec, constructor).call());
    }

    @Test
    void lambdasAsValuesRoundTrip() throws Exception {
        @SuppressWarnings("unchecked")
        Function<String, Integer> length = (Function<String, Integer> & Serializable) String::length;
        @SuppressWarnings("unchecked")
        Function<String, Integer> read = (Function<String, Integer>) codec.fromBytes(codec.toBytes(length),
                getClass().getClassLoader());
        assertEquals(3, read.apply("abc"));
    }

    @Test
    void lambdasDefinedInsideTheJdkRoundTrip() throws Exception {
        Function<Point, Integer> x = (Function<Point, Integer> & Serializable) Point::x;
        Comparator<Point> byX = Comparator.comparing(x);
        @SuppressWarnings("unchecked")
        Comparator<Point> read = (Comparator<Point>) codec.fromBytes(codec.toBytes(byX), getClass().getClassLoader());
        assertTrue(read.compare(new Point(1, 0), new Point(2, 0)) < 0);
    }

    @Test
    void theSameLambdaTwiceStaysOneInstance() throws Exception {
        PersistentTask<Integer> task = () -> 1;
        PersistentTask<Integer> other = () -> 1;
        List<?> read = (List<?>) codec.fromBytes(codec.toBytes(List.of(task, task, other)), getClass().getClassLoader());
        assertSame(read.get(0), read.get(1));
        assertNotSame(read.get(0), read.get(2));
    }

    @Test
    void valuesSharedBetweenLambdasStayShared() throws Exception {
        List<Integer> shared = new ArrayList<>();
        PersistentTask<Integer> add = () -> {
            shared.add(1);
            return shared.size();
        };
        PersistentTask<Integer> size = shared::size;
        List<?> read = (List<?>) codec.fromBytes(codec.toBytes(List.of(add, size)), getClass().getClassLoader());
        ((PersistentTask<?>) read.get(0)).call();
        assertEquals(1, ((PersistentTask<?>) read.get(1)).call());
    }

    @Test
    void lambdaThatCapturesItsOwnHolderIsRejected() {
        UnserializableValueException e = assertThrows(UnserializableValueException.class,
                () -> codec.toBytes(new SelfReferencing().task));
        assertTrue(e.getMessage().contains("refers back to the lambda itself"), e.getMessage());
        assertTrue(e.getMessage().contains(SelfReferencing.class.getName()), e.getMessage());
    }

    @Test
    void nonSerializableLambdaIsRejectedNamingItsClass() {
        Supplier<String> supplier = () -> "x";
        UnserializableValueException e = assertThrows(UnserializableValueException.class, () -> codec.toBytes(supplier));
        assertEquals(supplier.getClass().getName(), e.offendingClass());
        assertTrue(e.getMessage().startsWith("Cannot serialize a lambda defined in " + getClass().getName() + ": its type"
                + " java.util.function.Supplier is not Serializable."), e.getMessage());
        assertTrue(e.getMessage().contains("(Supplier<T> & Serializable)"), e.getMessage());
        assertNoKryoInternals(e.getMessage());
    }

    @Test
    void nonSerializableLambdaCapturedByATaskIsRejectedWithItsPath() {
        Function<Integer, Integer> twice = x -> 2 * x;
        PersistentTask<Integer> task = () -> twice.apply(21);
        UnserializableValueException e = assertThrows(UnserializableValueException.class, () -> codec.toBytes(task));
        assertTrue(e.getMessage().contains("java.util.function.Function is not Serializable"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Reached through: captured value 1 of a lambda in " + getClass().getName()
                + "."), e.getMessage());
    }

    @Test
    void lambdaDefinedInAnotherClassLoaderIsResolvedThroughTheGivenLoader(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = CompiledClasses.compile(dir, Map.of("gen.Tasks", """
                package gen;
                public class Tasks {
                    public static dev.persist.PersistentTask<String> greet(String name) {
                        return () -> "hello " + name;
                    }
                }
                """))) {
            Object task = loader.loadClass("gen.Tasks").getMethod("greet", String.class).invoke(null, "ada");
            byte[] bytes = codec.toBytes(task);
            assertEquals("hello ada", ((PersistentTask<?>) codec.fromBytes(bytes, loader)).call());

            UnreadableDataException e = assertThrows(UnreadableDataException.class,
                    () -> codec.fromBytes(bytes, getClass().getClassLoader()));
            assertTrue(e.getMessage().contains("class gen.Tasks is not available in this JVM"), e.getMessage());
        }
    }

    @Test
    void lambdaFromChangedCodeIsReportedAsChanged(@TempDir Path dir) throws Exception {
        String before = """
                package gen;
                public class Job {
                    public static dev.persist.PersistentTask<Object> task(int n) {
                        return () -> n * 2;
                    }
                }
                """;
        byte[] bytes;
        try (URLClassLoader loader = CompiledClasses.compile(dir.resolve("v1"), Map.of("gen.Job", before))) {
            bytes = codec.toBytes(loader.loadClass("gen.Job").getMethod("task", int.class).invoke(null, 21));
            assertEquals(42, ((PersistentTask<?>) codec.fromBytes(bytes, loader)).call());
        }
        String after = before.replace("int n", "long n");
        try (URLClassLoader loader = CompiledClasses.compile(dir.resolve("v2"), Map.of("gen.Job", after))) {
            UnreadableDataException e = assertThrows(UnreadableDataException.class, () -> codec.fromBytes(bytes, loader));
            assertTrue(e.getMessage().startsWith("Cannot restore a lambda defined in gen.Job: the code of gen.Job changed"
                    + " since the value was written"), e.getMessage());
            assertInstanceOf(RuntimeException.class, e.getCause());
            assertNoKryoInternals(e.getMessage());
        }
    }

    @Test
    void lambdaRoundTripsThroughTheStreamForm() throws Exception {
        double[] data = {1, 2, 3};
        PersistentTask<Double> sum = () -> data[0] + data[1] + data[2];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(sum, out);
        Object read = codec.read(new ByteArrayInputStream(out.toByteArray()), getClass().getClassLoader());
        assertEquals(6.0, ((PersistentTask<?>) read).call());
    }

    @Test
    void callableStyleTaskResultsRoundTrip() throws Exception {
        Callable<List<Integer>> callable = (Callable<List<Integer>> & Serializable) () -> List.of(42);
        @SuppressWarnings("unchecked")
        Callable<List<Integer>> read = (Callable<List<Integer>>) codec.fromBytes(codec.toBytes(callable),
                getClass().getClassLoader());
        assertEquals(List.of(42), codec.fromBytes(codec.toBytes(read.call()), getClass().getClassLoader()));
    }
}
