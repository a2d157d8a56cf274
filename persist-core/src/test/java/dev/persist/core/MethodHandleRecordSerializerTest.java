package dev.persist.core;

import static dev.persist.core.CodecTestSupport.roundTrip;
import static dev.persist.core.MethodHandleRecordSerializer.REFLECTIVE_READS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records read through the method handle (past the first {@link MethodHandleRecordSerializer#REFLECTIVE_READS}
 * of a class) must come back as Kryo's own record serializer reads them.
 */
class MethodHandleRecordSerializerTest {
    /** Past this index, records are read through the method handle. */
    private static final int COUNT = REFLECTIVE_READS + 5_000;

    private final KryoCodec codec = new KryoCodec();

    /** Every primitive type, in an order unlike the order of the names. */
    record Primitives(long zLong, int anInt, short s, byte b, char c, boolean flag, float f, double d) {
        static Primitives of(int i) {
            return new Primitives(Long.MIN_VALUE + i, -i, (short) i, (byte) i, (char) ('a' + i % 26), i % 2 == 0,
                    i / 3f, -i / 7.0);
        }
    }

    /** Components of final types (written without their class) and of other types (written with it). */
    record Mixed(String label, Object any, List<Integer> list, int[] numbers, BigDecimal amount, Primitives nested) {
    }

    record Generic<T>(T value) {
    }

    record Empty() {
    }

    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("not positive: " + value);
            }
        }
    }

    @Test
    void manyRecordsOfEveryPrimitiveTypeReadAsWritten() throws Exception {
        List<Primitives> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(Primitives.of(i));
        }
        assertSameElements(values, roundTrip(codec, values));
    }

    @Test
    void nullsNestedRecordsAndComponentsOfAnyTypeReadAsWritten() throws Exception {
        List<Mixed> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(i % 3 == 0 ? new Mixed(null, null, null, null, null, null)
                    : new Mixed("m" + i, i % 2 == 0 ? "text " + i : List.of(i), List.of(i, -i), new int[] {i},
                            BigDecimal.valueOf(i, 2), Primitives.of(i)));
        }
        List<Mixed> read = roundTrip(codec, values);
        assertEquals(values.size(), read.size());
        for (int i = 0; i < COUNT; i++) {
            Mixed expected = values.get(i);
            Mixed actual = read.get(i);
            assertEquals(expected.label(), actual.label());
            assertEquals(expected.any(), actual.any());
            assertEquals(expected.list(), actual.list());
            assertArrayEquals(expected.numbers(), actual.numbers());
            assertEquals(expected.amount(), actual.amount());
            assertEquals(expected.nested(), actual.nested());
        }
    }

    @Test
    void genericAndEmptyRecordsReadAsWritten() throws Exception {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(new Generic<>(i % 2 == 0 ? "g" + i : Map.of(i, i)));
            values.add(new Empty());
        }
        assertSameElements(values, roundTrip(codec, values));
    }

    @Test
    void sharedRecordsStaySharedAcrossTheWholeGraph() throws Exception {
        List<Generic<String>> distinct = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            distinct.add(new Generic<>("shared " + i));
        }
        // Each record, then the same records again in reverse: back-references both near and far.
        List<Generic<String>> values = new ArrayList<>(distinct);
        for (int i = COUNT - 1; i >= 0; i--) {
            values.add(distinct.get(i));
        }
        List<Generic<String>> read = roundTrip(codec, values);
        for (int i = 0; i < COUNT; i++) {
            assertSame(read.get(i), read.get(2 * COUNT - 1 - i));
            assertEquals("shared " + i, read.get(i).value());
        }
    }

    @Test
    void aCycleThroughARecordReadByTheMethodHandleIsReported() {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(new Generic<>(i));
        }
        Generic<List<Object>> cyclic = new Generic<>(new ArrayList<>());
        cyclic.value().add(cyclic);
        values.add(cyclic);
        UnreadableDataException e = assertThrows(UnreadableDataException.class,
                () -> codec.fromBytes(codec.toBytes(values), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("cannot be part of a cycle"), e.getMessage());
    }

    @Test
    void theCanonicalConstructorChecksWhatIsRead() throws Exception {
        List<Positive> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(new Positive(1));
        }
        byte[] bytes = codec.toBytes(values);
        // The last record's value, a zigzag varint 1 (0x02), becomes -1 (0x01): the constructor refuses it.
        assertEquals(2, bytes[bytes.length - 1]);
        bytes[bytes.length - 1] = 1;
        assertThrows(UnreadableDataException.class, () -> codec.fromBytes(bytes, getClass().getClassLoader()));
        bytes[bytes.length - 1] = 2;
        assertEquals(new Positive(1), ((List<?>) codec.fromBytes(bytes, getClass().getClassLoader())).get(COUNT - 1));
    }

    @Test
    void truncatedRecordsAreReportedAsTruncated() {
        List<Primitives> values = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            values.add(Primitives.of(i));
        }
        byte[] bytes = codec.toBytes(values);
        UnreadableDataException e = assertThrows(UnreadableDataException.class,
                () -> codec.fromBytes(Arrays.copyOf(bytes, bytes.length - 3), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("the data ends too early"), e.getMessage());
    }

    @Test
    void readsWhatKryosRecordSerializerWrites() throws Exception {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.register(Primitives.class, new RecordSerializer<>());
        kryo.register(Mixed.class, new RecordSerializer<>());
        Output output = new Output(1 << 16, -1);
        Mixed last = null;
        for (int i = 0; i < COUNT; i++) {
            last = new Mixed("m" + i, i, List.of(i), new int[] {i}, BigDecimal.ONE, Primitives.of(i));
            kryo.writeObject(output, last);
        }
        output.flush();

        Kryo reading = new Kryo();
        reading.setRegistrationRequired(false);
        reading.setReferences(true);
        reading.register(Primitives.class, new MethodHandleRecordSerializer(Primitives.class));
        reading.register(Mixed.class, new MethodHandleRecordSerializer(Mixed.class));
        Input input = new Input(new ByteArrayInputStream(output.toBytes()));
        Mixed read = null;
        for (int i = 0; i < COUNT; i++) {
            read = reading.readObject(input, Mixed.class);
            assertEquals("m" + i, read.label());
        }
        assertEquals(last.nested(), read.nested());
        assertEquals(last.any(), read.any());
        assertArrayEquals(last.numbers(), read.numbers());
        assertEquals(-1, input.read(), "bytes left unread");
    }

    /** Like {@code assertEquals} on the lists, naming the first differing element rather than printing both lists. */
    private static void assertSameElements(List<?> expected, List<?> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "element " + i);
        }
    }
}
