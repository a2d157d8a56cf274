package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Values and helpers shared by the codec tests. */
final class CodecTestSupport {
    private CodecTestSupport() {
    }

    /** A plain record, not Serializable. */
    record Point(int x, int y) {
    }

    /**
     * Writes a value with the codec and reads it back through the test's class loader.
     *
     * @param codec the codec under test
     * @param value any value
     * @return the value as read back
     */
    @SuppressWarnings("unchecked")
    static <T> T roundTrip(KryoCodec codec, T value) throws UnreadableDataException {
        return (T) codec.fromBytes(codec.toBytes(value), CodecTestSupport.class.getClassLoader());
    }

    /** Fails if a message shown to users leaks Kryo's class names, traces or line breaks. */
    static void assertNoKryoInternals(String message) {
        assertFalse(message.contains("com.esotericsoftware"), message);
        assertFalse(message.contains("Serialization trace"), message);
        assertFalse(message.contains("kryo"), message);
        assertFalse(message.contains("\n"), message);
    }
}
