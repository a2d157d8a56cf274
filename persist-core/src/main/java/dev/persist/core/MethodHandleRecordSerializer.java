package dev.persist.core;

import static java.lang.invoke.MethodType.methodType;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.BooleanSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ByteSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.CharSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.DoubleSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.FloatSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.IntSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.LongSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ShortSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableSerializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * Reads and writes records in the format of Kryo's {@link RecordSerializer}, through method handles
 * made once for each record class instead of reflection, boxing and an argument array for each
 * record.
 *
 * <p>The bytes are the same as Kryo's: the components in the order of their names; a primitive as
 * Kryo's default serializer for its type writes it; a value of a final type without its class, any
 * other with it. So records written by either serializer are read by the other. As with Kryo's
 * serializer, the canonical constructor makes every record read (so a record checks what it is
 * given), and it runs after the components are read, so a record cannot be part of a cycle (see
 * {@link CycleCheckingReferenceResolver}). Failures carry the same serialization trace.
 */
final class MethodHandleRecordSerializer extends ImmutableSerializer<Object> {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodHandle TRACED;
    private static final MethodHandle READ_OBJECT;
    private static final MethodHandle READ_OBJECT_OR_NULL;
    private static final MethodHandle READ_CLASS_AND_OBJECT;
    private static final MethodHandle WRITE_OBJECT;
    private static final MethodHandle WRITE_OBJECT_OR_NULL;
    private static final MethodHandle WRITE_CLASS_AND_OBJECT;

    /** Kryo's default serializer of each primitive type, and how it reads and writes a value. */
    private static final Map<Class<?>, Primitive> PRIMITIVES;

    static {
        try {
            TRACED = LOOKUP.findStatic(MethodHandleRecordSerializer.class, "traced",
                    methodType(KryoException.class, Throwable.class, String.class));
            READ_OBJECT = LOOKUP.findVirtual(Kryo.class, "readObject", methodType(Object.class, Input.class, Class.class));
            READ_OBJECT_OR_NULL = LOOKUP.findVirtual(Kryo.class, "readObjectOrNull",
                    methodType(Object.class, Input.class, Class.class));
            READ_CLASS_AND_OBJECT = LOOKUP.findVirtual(Kryo.class, "readClassAndObject", methodType(Object.class, Input.class));
            WRITE_OBJECT = LOOKUP.findVirtual(Kryo.class, "writeObject", methodType(void.class, Output.class, Object.class));
            WRITE_OBJECT_OR_NULL = LOOKUP.findVirtual(Kryo.class, "writeObjectOrNull",
                    methodType(void.class, Output.class, Object.class, Class.class));
            WRITE_CLASS_AND_OBJECT = LOOKUP.findVirtual(Kryo.class, "writeClassAndObject",
                    methodType(void.class, Output.class, Object.class));
            PRIMITIVES = Map.of(
                    boolean.class, primitive(BooleanSerializer.class, "readBoolean", "writeBoolean", boolean.class, null),
                    byte.class, primitive(ByteSerializer.class, "readByte", "writeByte", byte.class, null),
                    char.class, primitive(CharSerializer.class, "readChar", "writeChar", char.class, null),
                    short.class, primitive(ShortSerializer.class, "readShort", "writeShort", int.class, null),
                    int.class, primitive(IntSerializer.class, "readInt", "writeInt", int.class, false),
                    long.class, primitive(LongSerializer.class, "readVarLong", "writeVarLong", long.class, false),
                    float.class, primitive(FloatSerializer.class, "readFloat", "writeFloat", float.class, null),
                    double.class, primitive(DoubleSerializer.class, "readDouble", "writeDouble", double.class, null));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code (Kryo, Input) -> record}: reads the components in name order, then calls the canonical constructor. */
    private final MethodHandle reader;
    /** {@code (Kryo, Output, Object) -> void}: writes the components in name order. */
    private final MethodHandle writer;

    /**
     * @param kryo the Kryo the serializer is for
     * @param type a record class
     * @throws KryoException if the record's constructor or accessors cannot be used
     */
    MethodHandleRecordSerializer(Kryo kryo, Class<?> type) {
        RecordComponent[] canonical = type.getRecordComponents();
        RecordComponent[] byName = canonical.clone();
        Arrays.sort(byName, Comparator.comparing(RecordComponent::getName));
        Class<?>[] typesByName = Arrays.stream(byName).map(RecordComponent::getType).toArray(Class<?>[]::new);
        int[] positionByName = new int[canonical.length];
        for (int i = 0; i < canonical.length; i++) {
            positionByName[i] = Arrays.asList(byName).indexOf(canonical[i]);
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(
                    Arrays.stream(canonical).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.trySetAccessible();
            MethodHandle make = traced(LOOKUP.unreflectConstructor(constructor), "Could not construct type ("
                    + type.getName() + ")");
            // (components in name order, Kryo, Input) -> record; each component's read then goes in front, last first.
            MethodHandle read = MethodHandles.dropArguments(
                    MethodHandles.permuteArguments(make, methodType(type, typesByName), positionByName),
                    byName.length, Kryo.class, Input.class);
            MethodHandle write = MethodHandles.empty(methodType(void.class, Kryo.class, Output.class, Object.class));
            for (int i = byName.length - 1; i >= 0; i--) {
                RecordComponent component = byName[i];
                read = MethodHandles.foldArguments(read, i, traced(componentReader(kryo, component.getType()),
                        component.getName() + " (" + type.getName() + ")"));
                write = MethodHandles.foldArguments(write, traced(componentWriter(kryo, component),
                        component.getName() + " (" + component.getType().getName() + ")"));
            }
            this.reader = read.asType(methodType(Object.class, Kryo.class, Input.class));
            this.writer = write;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("Cannot serialize record " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Kryo kryo, Output output, Object record) {
        try {
            writer.invokeExact(kryo, output, record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new KryoException(e);
        }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        try {
            return reader.invokeExact(kryo, input);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new KryoException(e);
        }
    }

    /** @return {@code (Kryo, Input) -> value} */
    private static MethodHandle componentReader(Kryo kryo, Class<?> type) {
        Primitive primitive = PRIMITIVES.get(type);
        MethodHandle read;
        if (primitive != null && kryo.getSerializer(type).getClass() == primitive.serializer) {
            read = MethodHandles.dropArguments(primitive.read, 0, Kryo.class);
        } else if (type.isPrimitive()) {
            read = MethodHandles.insertArguments(READ_OBJECT, 2, type);
        } else if (kryo.isFinal(type)) {
            read = MethodHandles.insertArguments(READ_OBJECT_OR_NULL, 2, type);
        } else {
            read = READ_CLASS_AND_OBJECT;
        }
        return read.asType(methodType(type, Kryo.class, Input.class));
    }

    /** @return {@code (Kryo, Output, Object record) -> void} */
    private static MethodHandle componentWriter(Kryo kryo, RecordComponent component) throws IllegalAccessException {
        Class<?> type = component.getType();
        Method accessor = component.getAccessor();
        accessor.trySetAccessible();
        MethodHandle get = LOOKUP.unreflect(accessor).asType(methodType(type, Object.class));
        Primitive primitive = PRIMITIVES.get(type);
        MethodHandle write;
        if (primitive != null && kryo.getSerializer(type).getClass() == primitive.serializer) {
            write = MethodHandles.dropArguments(primitive.write, 0, Kryo.class);
        } else if (type.isPrimitive()) {
            write = WRITE_OBJECT;
        } else if (kryo.isFinal(type)) {
            write = MethodHandles.insertArguments(WRITE_OBJECT_OR_NULL, 3, type);
        } else {
            write = WRITE_CLASS_AND_OBJECT;
        }
        return MethodHandles.filterArguments(write.asType(methodType(void.class, Kryo.class, Output.class, type)), 2, get);
    }

    /** Adds {@code step} to the serialization trace of whatever {@code handle} throws, as Kryo's serializers do. */
    private static MethodHandle traced(MethodHandle handle, String step) {
        MethodHandle rethrow = MethodHandles.filterArguments(
                MethodHandles.throwException(handle.type().returnType(), KryoException.class), 0,
                MethodHandles.insertArguments(TRACED, 1, step));
        return MethodHandles.catchException(handle, Throwable.class,
                MethodHandles.dropArguments(rethrow, 1, handle.type().parameterList()));
    }

    private static KryoException traced(Throwable failure, String step) {
        KryoException e = failure instanceof KryoException kryo ? kryo : new KryoException(failure);
        e.addTrace(step);
        return e;
    }

    /**
     * @param serializer the class of Kryo's default serializer for the type
     * @param read the {@link Input} method that serializer reads with
     * @param write the {@link Output} method that serializer writes with
     * @param written the type {@code write} takes
     * @param optimizePositive the flag the serializer passes to both, or null if they take none
     */
    private static Primitive primitive(Class<?> serializer, String read, String write, Class<?> written,
            Boolean optimizePositive) throws ReflectiveOperationException {
        Method readMethod = optimizePositive == null ? Input.class.getMethod(read)
                : Input.class.getMethod(read, boolean.class);
        Method writeMethod = optimizePositive == null ? Output.class.getMethod(write, written)
                : Output.class.getMethod(write, written, boolean.class);
        MethodHandle reader = LOOKUP.unreflect(readMethod);
        MethodHandle writer = MethodHandles.dropReturn(LOOKUP.unreflect(writeMethod));
        if (optimizePositive != null) {
            reader = MethodHandles.insertArguments(reader, 1, optimizePositive);
            writer = MethodHandles.insertArguments(writer, 2, optimizePositive);
        }
        Class<?> value = readMethod.getReturnType();
        return new Primitive(serializer, reader, writer.asType(methodType(void.class, Output.class, value)));
    }

    /**
     * @param serializer the class of Kryo's default serializer for the type
     * @param read {@code (Input) -> value}
     * @param write {@code (Output, value) -> void}
     */
    private record Primitive(Class<?> serializer, MethodHandle read, MethodHandle write) {
    }
}
