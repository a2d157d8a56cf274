package dev.persist.core;

import static dev.persist.core.CodecTestSupport.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.PersistentTask;
import dev.persist.core.CodecTestSupport.Point;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.ref.WeakReference;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KryoCodecTest {
    private final KryoCodec codec = new KryoCodec();

    record Line(Point from, Point to, String label) {
    }

    record Polygon(List<Point> corners, double[] weights) {
    }

    enum Color { RED, GREEN }

    enum Op {
        PLUS {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        };

        abstract int apply(int a, int b);
    }

    static final class Node {
        final String name;
        Node next;
        final List<Node> children = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }
    }

    /** Not Serializable, no no-argument constructor, final fields. */
    static final class Account {
        private final String owner;
        private final BigDecimal balance;

        Account(String owner, BigDecimal balance) {
            this.owner = owner;
            this.balance = balance;
        }
    }

    static final class Outer {
        int value;

        final class Inner {
            int outerValue() {
                return value;
            }
        }
    }

    static final class DescendingLength implements Comparator<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(String a, String b) {
            return Integer.compare(b.length(), a.length());
        }
    }

    @Test
    void nullAndPlainValuesRoundTrip() throws Exception {
        assertNull(roundTrip(codec, null));
        assertEquals("héllo ✓", roundTrip(codec, "héllo ✓"));
        assertEquals(42, roundTrip(codec, 42));
        assertEquals(Long.MIN_VALUE, roundTrip(codec, Long.MIN_VALUE));
        assertEquals('x', roundTrip(codec, 'x'));
        assertEquals(Double.NaN, roundTrip(codec, Double.NaN));
        assertEquals(Boolean.TRUE, roundTrip(codec, true));
        assertSame(String.class, roundTrip(codec, String.class));
        assertSame(Point.class, roundTrip(codec, Point.class));
    }

    @Test
    void recordsRoundTrip() throws Exception {
        Line line = new Line(new Point(1, 2), new Point(3, 4), "diagonal");
        assertEquals(line, roundTrip(codec, line));

        Polygon polygon = roundTrip(codec, new Polygon(List.of(new Point(0, 0), new Point(1, 1)), new double[] {0.5, 2}));
        assertEquals(List.of(new Point(0, 0), new Point(1, 1)), polygon.corners());
        assertArrayEquals(new double[] {0.5, 2}, polygon.weights());
    }

    @Test
    void javaTimeTypesRoundTrip() throws Exception {
        List<Object> values = List.of(Instant.parse("2024-02-29T12:34:56.789Z"), LocalDate.of(2024, 2, 29),
                LocalTime.of(23, 59, 58, 1), LocalDateTime.of(2024, 1, 2, 3, 4, 5),
                ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Berlin")),
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5)), Duration.ofMillis(123_456),
                Period.of(1, 2, 3), ZoneId.of("America/New_York"), ZoneOffset.UTC);
        assertEquals(values, roundTrip(codec, values));
    }

    @Test
    void optionalsNumbersAndEnumsRoundTrip() throws Exception {
        assertEquals(Optional.of(new Point(1, 2)), roundTrip(codec, Optional.of(new Point(1, 2))));
        assertEquals(Optional.empty(), roundTrip(codec, Optional.empty()));
        assertEquals(OptionalInt.of(7), roundTrip(codec, OptionalInt.of(7)));
        BigDecimal decimal = new BigDecimal("-12345678901234567890.000000000000123");
        assertEquals(decimal, roundTrip(codec, decimal));
        assertEquals(decimal.scale(), roundTrip(codec, decimal).scale());
        BigInteger big = BigInteger.TWO.pow(300).negate();
        assertEquals(big, roundTrip(codec, big));
        assertSame(Color.GREEN, roundTrip(codec, Color.GREEN));
        assertSame(Op.PLUS, roundTrip(codec, Op.PLUS));
        assertEquals(5, roundTrip(codec, Op.PLUS).apply(2, 3));
        assertEquals(EnumSet.of(Color.RED), roundTrip(codec, EnumSet.of(Color.RED)));
    }

    @Test
    void arraysRoundTrip() throws Exception {
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE}, roundTrip(codec, new int[] {1, -2, Integer.MAX_VALUE}));
        assertArrayEquals(new byte[] {1, 2, 3}, roundTrip(codec, new byte[] {1, 2, 3}));
        assertArrayEquals(new double[] {Math.PI, -0.0}, roundTrip(codec, new double[] {Math.PI, -0.0}));
        assertArrayEquals(new String[] {"a", null, "c"}, roundTrip(codec, new String[] {"a", null, "c"}));
        assertArrayEquals(new Object[] {1, "two", new Point(3, 3)}, roundTrip(codec, new Object[] {1, "two", new Point(3, 3)}));
        assertArrayEquals(new Point[] {new Point(1, 1)}, roundTrip(codec, new Point[] {new Point(1, 1)}));
        int[][] grid = roundTrip(codec, new int[][] {{1, 2}, {3}});
        assertArrayEquals(new int[] {1, 2}, grid[0]);
        assertArrayEquals(new int[] {3}, grid[1]);
    }

    @Test
    void immutableCollectionsRoundTrip() throws Exception {
        List<Object> values = List.of(List.of(), List.of(1), List.of(1, 2), List.of(1, 2, 3, 4, 5),
                List.of(1, 2, 3, 4).subList(1, 3), Set.of(), Set.of("a"), Set.of("a", "b", "c"), Map.of(),
                Map.of("k", 1), Map.of("a", 1, "b", 2, "c", 3), List.copyOf(new ArrayList<>(List.of(new Point(1, 1)))));
        List<Object> read = roundTrip(codec, values);
        assertEquals(values, read);
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) read.get(3)).add(null));
    }

    @Test
    void unmodifiableListsWithNullsRoundTrip() throws Exception {
        List<Integer> withNull = Stream.of(1, null, 3).toList();
        List<Integer> read = roundTrip(codec, withNull);
        assertEquals(withNull, read);
        assertSame(withNull.getClass(), read.getClass());
        assertEquals(Arrays.asList(1, null), roundTrip(codec, withNull.subList(0, 2)));
    }

    @Test
    void collectionsUtilityListsRoundTrip() throws Exception {
        List<Point> points = new ArrayList<>(List.of(new Point(1, 2), new Point(3, 4)));
        List<Object> values = List.of(Collections.unmodifiableList(points),
                Collections.unmodifiableList(new LinkedList<>(points)), Collections.unmodifiableCollection(points),
                Collections.unmodifiableSet(new LinkedHashSet<>(points)),
                Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("p", new Point(0, 0)))),
                Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.singletonList(new Point(5, 5)), Collections.singleton("s"), Collections.singletonMap("k", 1),
                Arrays.asList(new Point(7, 7), null));
        List<Object> read = roundTrip(codec, values);
        for (int i = 0; i < values.size(); i++) {
            assertSame(values.get(i).getClass(), read.get(i).getClass(), "class of value " + i);
            if (i != 2) {
                assertEquals(values.get(i), read.get(i), "value " + i);
            }
        }
        // unmodifiableCollection does not override equals
        assertEquals(points, new ArrayList<>((Collection<?>) read.get(2)));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) read.get(0)).clear());
    }

    @Test
    void unmodifiableSortedViewsKeepTheirComparator() throws Exception {
        TreeSet<String> byLength = new TreeSet<>(new DescendingLength());
        byLength.addAll(List.of("a", "ccc", "bb"));
        SortedSet<String> read = roundTrip(codec, Collections.unmodifiableSortedSet(byLength));
        assertEquals(List.of("ccc", "bb", "a"), new ArrayList<>(read));
        assertInstanceOf(DescendingLength.class, read.comparator());

        NavigableMap<String, Integer> map = new TreeMap<>(Comparator.reverseOrder());
        map.putAll(Map.of("a", 1, "b", 2));
        NavigableMap<String, Integer> readMap = roundTrip(codec, Collections.unmodifiableNavigableMap(map));
        assertEquals(List.of("b", "a"), new ArrayList<>(readMap.keySet()));
    }

    @Test
    void mutableCollectionsRoundTrip() throws Exception {
        Map<String, Integer> linked = new LinkedHashMap<>();
        linked.put("z", 1);
        linked.put("a", 2);
        List<Object> values = List.of(new ArrayList<>(List.of(1, "two")), new HashMap<>(Map.of("k", new Point(1, 1))),
                linked, new TreeMap<>(Map.of("b", 2, "a", 1)), new HashSet<>(Set.of(1, 2)),
                new LinkedList<>(List.of(3, 4)), new ArrayDeque<>(List.of(5, 6)), new ConcurrentHashMap<>(Map.of("c", 3)),
                new EnumMap<>(Map.of(Color.RED, 1)), new TreeSet<>(Set.of(3, 1, 2)));
        List<Object> read = roundTrip(codec, values);
        for (int i = 0; i < values.size(); i++) {
            assertSame(values.get(i).getClass(), read.get(i).getClass(), "class of value " + i);
        }
        assertEquals(values.subList(0, 6), read.subList(0, 6));
        assertEquals(List.of("z", "a"), new ArrayList<>(((Map<?, ?>) read.get(2)).keySet()));
        assertEquals(List.of(5, 6), new ArrayList<>((ArrayDeque<?>) read.get(6)));
        assertEquals(values.subList(7, 10), read.subList(7, 10));
    }

    @Test
    void treeMapsKeepTheirComparator() throws Exception {
        Comparator<String> lambda = (Comparator<String> & Serializable) (a, b) -> b.compareTo(a);
        Function<String, Integer> length = (Function<String, Integer> & Serializable) String::length;
        List<Comparator<String>> comparators = List.of(lambda, Comparator.reverseOrder(),
                String.CASE_INSENSITIVE_ORDER, new DescendingLength(), Comparator.comparing(length).reversed(),
                Comparator.comparing(length));
        for (Comparator<String> comparator : comparators) {
            TreeMap<String, Integer> map = new TreeMap<>(comparator);
            map.putAll(Map.of("bb", 1, "a", 2, "CCC", 3));
            TreeMap<String, Integer> read = roundTrip(codec, map);
            assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(read.keySet()), comparator.toString());
            read.put("dddd", 4);
            map.put("dddd", 4);
            assertEquals(new ArrayList<>(map.keySet()), new ArrayList<>(read.keySet()), comparator.toString());
        }
    }

    @Test
    void otherJdkValuesRoundTrip() throws Exception {
        UUID uuid = UUID.randomUUID();
        assertEquals(uuid, roundTrip(codec, uuid));
        URI uri = URI.create("https://example.com/a%20b?q=1#frag");
        assertEquals(uri, roundTrip(codec, uri));
        assertEquals("a+b", roundTrip(codec, Pattern.compile("a+b", Pattern.CASE_INSENSITIVE)).pattern());
        assertEquals(7, roundTrip(codec, new AtomicInteger(7)).get());
        assertEquals(new Point(1, 1), roundTrip(codec, new AtomicReference<>(new Point(1, 1))).get());
        assertEquals(List.of(1, 2), roundTrip(codec, Collections.synchronizedList(new ArrayList<>(List.of(1, 2)))));
    }

    @Test
    void exceptionsRoundTripWithMessageCauseAndStackTrace() throws Exception {
        IllegalStateException thrown = new IllegalStateException("outer", new IOException("inner"));
        IllegalStateException read = roundTrip(codec, thrown);
        assertEquals("outer", read.getMessage());
        assertEquals("inner", read.getCause().getMessage());
        assertArrayEquals(thrown.getStackTrace(), read.getStackTrace());
    }

    @Test
    void classesWithoutNoArgConstructorOrSerializableRoundTrip() throws Exception {
        Account read = roundTrip(codec, new Account("ada", new BigDecimal("12.50")));
        assertEquals("ada", read.owner);
        assertEquals(new BigDecimal("12.50"), read.balance);
    }

    @Test
    void innerAndAnonymousClassesKeepWhatTheyCapture() throws Exception {
        Outer outer = new Outer();
        outer.value = 17;
        assertEquals(17, roundTrip(codec, outer.new Inner()).outerValue());

        assertEquals(42, roundTrip(codec, anonymousTask(21)).call());
    }

    @SuppressWarnings("Convert2Lambda")
    private static PersistentTask<Integer> anonymousTask(int captured) {
        return new PersistentTask<>() {
            @Override
            public Integer call() {
                return captured * 2;
            }
        };
    }

    @Test
    void sharedReferencesStayShared() throws Exception {
        Point shared = new Point(1, 1);
        List<Object> list = new ArrayList<>(List.of(shared, shared, new Point(1, 1)));
        List<Object> read = roundTrip(codec, list);
        assertSame(read.get(0), read.get(1));
        assertNotSame(read.get(0), read.get(2));

        Node node = new Node("n");
        Map<String, Node> map = new HashMap<>(Map.of("a", node, "b", node));
        Map<String, Node> readMap = roundTrip(codec, map);
        assertSame(readMap.get("a"), readMap.get("b"));
    }

    @Test
    void cyclesRoundTrip() throws Exception {
        Node a = new Node("a");
        Node b = new Node("b");
        a.next = b;
        b.next = a;
        a.children.add(a);
        Node read = roundTrip(codec, a);
        assertEquals("b", read.next.name);
        assertSame(read, read.next.next);
        assertSame(read, read.children.get(0));

        List<Object> selfContaining = new ArrayList<>();
        selfContaining.add(selfContaining);
        List<?> readList = roundTrip(codec, selfContaining);
        assertSame(readList, readList.get(0));
    }

    @Test
    void largeArraysAreStreamedInSmallWrites(@TempDir Path dir) throws Exception {
        double[] large = new double[50 * 1024 * 1024 / Double.BYTES];
        for (int i = 0; i < large.length; i++) {
            large[i] = i * 0.5;
        }
        Path file = dir.resolve("large.bin");
        int[] largestWrite = {0};
        try (OutputStream out = new FilterOutputStream(Files.newOutputStream(file)) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                largestWrite[0] = Math.max(largestWrite[0], length);
                out.write(bytes, offset, length);
            }
        }) {
            codec.write(large, out);
        }
        assertTrue(largestWrite[0] <= 64 * 1024, "largest write was " + largestWrite[0] + " bytes");
        assertTrue(Files.size(file) > 50L * 1024 * 1024);

        int[] largestRead = {0};
        try (InputStream in = new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                largestRead[0] = Math.max(largestRead[0], length);
                return in.read(bytes, offset, length);
            }
        }) {
            assertArrayEquals(large, (double[]) codec.read(in, getClass().getClassLoader()));
        }
        assertTrue(largestRead[0] <= 64 * 1024, "largest read was " + largestRead[0] + " bytes");
    }

    @Test
    void writeFlushesButDoesNotCloseTheStream() throws Exception {
        boolean[] closed = {false, false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        codec.write(List.of("x"), bytes);
        assertFalse(closed[0]);
        assertTrue(bytes.size() > 0, "bytes were flushed to the stream");

        InputStream in = new ByteArrayInputStream(bytes.toByteArray()) {
            @Override
            public void close() {
                closed[1] = true;
            }
        };
        assertEquals(List.of("x"), codec.read(in, getClass().getClassLoader()));
        assertFalse(closed[1]);
    }

    @Test
    void streamAndBytesFormsAreTheSame() throws Exception {
        Line line = new Line(new Point(1, 2), new Point(3, 4), "l");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(line, out);
        assertArrayEquals(codec.toBytes(line), out.toByteArray());
        assertEquals(line, codec.read(new ByteArrayInputStream(out.toByteArray()), getClass().getClassLoader()));
    }

    @Test
    void streamFailuresAreReportedAsTheStreamsOwnException() {
        IOException diskFull = new IOException("No space left on device");
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw diskFull;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw diskFull;
            }
        };
        assertSame(diskFull, assertThrows(IOException.class, () -> codec.write(new double[100_000], failing)));

        IOException readError = new IOException("Input/output error");
        InputStream failingIn = new InputStream() {
            @Override
            public int read() throws IOException {
                throw readError;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw readError;
            }
        };
        assertSame(readError, assertThrows(IOException.class, () -> codec.read(failingIn, getClass().getClassLoader())));
    }

    @Test
    void concurrentUseIsSafe() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> jobs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                jobs.add(() -> {
                    Line line = new Line(new Point(n, n), new Point(n + 1, n), "line " + n);
                    PersistentTask<Integer> task = () -> n * 2;
                    List<Object> read = roundTrip(codec, List.of(line, task));
                    return read.get(0).equals(line) && ((PersistentTask<?>) read.get(1)).call().equals(n * 2);
                });
            }
            for (Future<Boolean> result : executor.invokeAll(jobs)) {
                assertTrue(result.get());
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void classLoadersOfValuesAreNotRetainedByTheCodec(@TempDir Path dir) throws Exception {
        WeakReference<ClassLoader> loader = roundTripWithOwnLoader(dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<byte[]> garbage = new ArrayList<>();
        while (loader.get() != null && System.nanoTime() < deadline) {
            garbage.clear();
            for (int i = 0; i < 64; i++) {
                garbage.add(new byte[64 * 1024]); // pressure the young generation too, not only System.gc()
            }
            System.gc();
            Thread.sleep(20);
        }
        assertNull(loader.get(), "the class loader was garbage-collected within 30 s");
    }

    private WeakReference<ClassLoader> roundTripWithOwnLoader(Path dir) throws Exception {
        try (URLClassLoader loader = CompiledClasses.compile(dir, Map.of("gen.Values", """
                package gen;
                public class Values {
                    public record Pair(int a, String b) {}
                    static class Plain { int n = 3; }
                    public static Object make() {
                        Plain plain = new Plain();
                        dev.persist.PersistentTask<Integer> task = () -> plain.n;
                        return java.util.List.of(new Pair(1, "b"), plain, task);
                    }
                }
                """))) {
            Object value = loader.loadClass("gen.Values").getMethod("make").invoke(null);
            List<?> read = (List<?>) codec.fromBytes(codec.toBytes(value), loader);
            assertEquals(3, ((PersistentTask<?>) read.get(2)).call());
            return new WeakReference<>(loader);
        }
    }

    @Test
    void kryoPrintsNothing() throws Exception {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        System.setOut(capture);
        try {
            KryoCodec fresh = new KryoCodec();
            int factor = 3;
            PersistentTask<Integer> task = () -> factor * 14;
            List<Object> value = List.of(task, new Account("a", BigDecimal.ONE), Collections.unmodifiableList(
                    new ArrayList<>(List.of(1))), new TreeMap<>(Comparator.reverseOrder()), new IOException("x"),
                    Optional.of(LocalDate.of(2020, 1, 1)), new Polygon(List.of(), new double[0]));
            List<?> read = (List<?>) fresh.fromBytes(fresh.toBytes(value), getClass().getClassLoader());
            assertEquals(42, ((PersistentTask<?>) read.get(0)).call());
            assertThrows(UnserializableValueException.class, () -> fresh.toBytes(Thread.currentThread()));
            assertThrows(UnreadableDataException.class,
                    () -> fresh.fromBytes(new byte[] {1}, getClass().getClassLoader()));
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }
}
