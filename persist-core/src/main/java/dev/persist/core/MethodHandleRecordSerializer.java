package dev.persist.core;

import static java.lang.invoke.MethodType.methodType;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.BooleanSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ByteSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CharSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.DoubleSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.FloatSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.IntSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.LongSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ShortSerializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Kryo's {@link RecordSerializer}, reading many records of a class through one method handle made
 * for that class, instead of reflection, a boxed value for each primitive component and an array of
 * arguments for each record.
 *
 * <p>Writing is Kryo's, and reading takes the same bytes in the same order: the components in the
 * order of their names; a primitive as Kryo's default serializer for its type reads it; a value of
 * a final type without its class, any other with it. As with Kryo's serializer, the canonical
 * constructor makes every record read (so a record checks what it is given), after its components
 * are read, so a record cannot be part of a cycle (see {@link CycleCheckingReferenceResolver}).
 *
 * <p>Making the method handle takes tens of milliseconds in a fresh JVM, more than reading
 * thousands of records with Kryo's reflection, so the first {@value #REFLECTIVE_READS} records of a
 * class are read with Kryo's own code; the method handle then reads the rest.
 */
final class MethodHandleRecordSerializer extends RecordSerializer<Object> {
    static final int REFLECTIVE_READS = 100_000;
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private final Class<?> type;
    private int reflectiveReads;
    /** {@code (Kryo, Input) -> record}: reads the components in name order, then calls the canonical constructor. */
    private MethodHandle reader;

    /** @param type a record class */
    MethodHandleRecordSerializer(Class<?> type) {
        this.type = type;
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> ignored) {
        if (reader == null) {
            if (reflectiveReads < REFLECTIVE_READS) {
                reflectiveReads++;
                return super.read(kryo, input, type);
            }
            reader = reader(kryo);
        }
        try {
            return reader.invokeExact(kryo, input);
        } catch (Throwable e) {
            KryoException failure = e instanceof KryoException kryoException ? kryoException : new KryoException(e);
            failure.addTrace("(" + type.getName() + ")");
            throw failure;
        }
    }

    private MethodHandle reader(Kryo kryo) {
        RecordComponent[] canonical = type.getRecordComponents();
        List<RecordComponent> byName = Arrays.stream(canonical).sorted(Comparator.comparing(RecordComponent::getName))
                .toList();
        Class<?>[] typesByName = byName.stream().map(RecordComponent::getType).toArray(Class<?>[]::new);
        int[] positionByName = Arrays.stream(canonical).mapToInt(byName::indexOf).toArray();
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(
                    Arrays.stream(canonical).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.trySetAccessible();
            // (components in name order, Kryo, Input) -> record; then each component's read goes in front, last first.
            MethodHandle read = MethodHandles.dropArguments(MethodHandles.permuteArguments(
                    LOOKUP.unreflectConstructor(constructor), methodType(type, typesByName), positionByName),
                    typesByName.length, Kryo.class, Input.class);
            for (int i = typesByName.length - 1; i >= 0; i--) {
                read = MethodHandles.foldArguments(read, i, componentReader(kryo, typesByName[i]));
            }
            return read.asType(methodType(Object.class, Kryo.class, Input.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("Cannot read record " + type.getName() + ": " + e, e);
        }
    }

    /** @return {@code (Kryo, Input) -> value}, reading as Kryo's record serializer does */
    private static MethodHandle componentReader(Kryo kryo, Class<?> type) throws ReflectiveOperationException {
        MethodHandle read;
        if (type.isPrimitive()) {
            read = primitiveReader(kryo, type);
        } else if (kryo.isFinal(type)) {
            // The serializer Kryo would look up for every value. The type is visible wherever the record
            // class is, so Kryo forgets its registration no earlier than this serializer's.
            read = MethodHandles.insertArguments(LOOKUP.findVirtual(Kryo.class, "readObjectOrNull",
                    methodType(Object.class, Input.class, Class.class, Serializer.class)), 2, type,
                    kryo.getSerializer(type));
        } else {
            read = LOOKUP.findVirtual(Kryo.class, "readClassAndObject", methodType(Object.class, Input.class));
        }
        return read.asType(methodType(type, Kryo.class, Input.class));
    }

    /**
     * @return {@code (Kryo, Input) -> value}: the {@link Input} method that Kryo's default serializer
     *     for {@code type} reads with, or, if Kryo has another serializer for it, that serializer
     */
    private static MethodHandle primitiveReader(Kryo kryo, Class<?> type) throws ReflectiveOperationException {
        Class<?> serializer = kryo.getSerializer(type).getClass();
        MethodHandle read;
        if (type == int.class && serializer == IntSerializer.class) {
            read = MethodHandles.insertArguments(inputMethod("readInt", int.class, boolean.class), 1, false);
        } else if (type == long.class && serializer == LongSerializer.class) {
            read = MethodHandles.insertArguments(inputMethod("readVarLong", long.class, boolean.class), 1, false);
        } else if (type == double.class && serializer == DoubleSerializer.class) {
            read = inputMethod("readDouble", double.class);
        } else if (type == float.class && serializer == FloatSerializer.class) {
            read = inputMethod("readFloat", float.class);
        } else if (type == boolean.class && serializer == BooleanSerializer.class) {
            read = inputMethod("readBoolean", boolean.class);
        } else if (type == byte.class && serializer == ByteSerializer.class) {
            read = inputMethod("readByte", byte.class);
        } else if (type == char.class && serializer == CharSerializer.class) {
            read = inputMethod("readChar", char.class);
        } else if (type == short.class && serializer == ShortSerializer.class) {
            read = inputMethod("readShort", short.class);
        } else {
            return MethodHandles.insertArguments(LOOKUP.findVirtual(Kryo.class, "readObject",
                    methodType(Object.class, Input.class, Class.class)), 2, type);
        }
        return MethodHandles.dropArguments(read, 0, Kryo.class);
    }

    private static MethodHandle inputMethod(String name, Class<?> returned, Class<?>... parameters)
            throws ReflectiveOperationException {
        return LOOKUP.findVirtual(Input.class, name, methodType(returned, parameters));
    }
}
