package dev.persist.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer.FieldSerializerConfig;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Chooses serializers where Kryo's reflective defaults cannot work without {@code --add-opens}.
 *
 * <p>Kryo's {@link FieldSerializer} cannot read the private fields of JDK classes (or of classes in
 * named modules that do not open their package), and its generic collection and map serializers
 * cannot rebuild the JDK's internal collection classes (views, synchronized and checked wrappers).
 * Such classes are written with Java serialization when they are {@link Serializable}, and rejected
 * with an {@link UnserializableValueException} otherwise. JDK classes are treated this way even
 * when the JVM runs with {@code --add-opens}, so that what can be serialized does not depend on
 * JVM flags.
 */
final class SerializerPolicy extends SerializerFactory.BaseSerializerFactory<Serializer<?>> {
    private static final Module KRYO_MODULE = Kryo.class.getModule();

    /** The serializer for classes no Kryo default serializer matched. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Serializer<?> newSerializer(Kryo kryo, Class type) {
        Class<?> closed = firstClosedClassWithFields(type);
        if (closed != null) {
            return fallback(type, closed);
        }
        FieldSerializerConfig config = new FieldSerializerConfig();
        // Anonymous and inner classes keep captured variables and their outer instance in synthetic fields.
        config.setIgnoreSyntheticFields(false);
        return new FieldSerializer<>(kryo, type, config);
    }

    /**
     * Replaces a Kryo default serializer that would fail to rebuild instances of {@code type}, and
     * Kryo's record serializer with {@link MethodHandleRecordSerializer}, which reads records faster.
     */
    Serializer<?> review(Class<?> type, Serializer<?> chosen) {
        if (chosen.getClass() == RecordSerializer.class) {
            return new MethodHandleRecordSerializer(type);
        }
        boolean generic = chosen.getClass() == CollectionSerializer.class || chosen.getClass() == MapSerializer.class;
        if (generic && isClosed(type) && !hasPublicNoArgConstructor(type)) {
            return fallback(type, type);
        }
        return chosen;
    }

    private static Serializer<?> fallback(Class<?> type, Class<?> closed) {
        if (Serializable.class.isAssignableFrom(type)) {
            return new JavaFallbackSerializer();
        }
        return new RejectingSerializer(type.getName(), rejection(type, closed));
    }

    private static String rejection(Class<?> type, Class<?> closed) {
        String prefix = "Cannot serialize a value of type " + type.getName() + ": ";
        if (!isJdk(closed.getModule())) {
            String pkg = closed.getPackageName();
            return prefix + "package " + pkg + " of module " + closed.getModule().getName()
                    + " is not open, so the fields of " + closed.getName() + " cannot be read. Add 'opens " + pkg
                    + "' to that module's module-info.java, or make " + type.getName()
                    + " implement java.io.Serializable.";
        }
        if (type != closed) {
            prefix += "it is a " + closed.getName() + ", and ";
        } else if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            return prefix + "it is a view or wrapper of another collection, internal to the JDK, and cannot be"
                    + " rebuilt in another JVM. Copy it into a plain collection first, e.g. new ArrayList<>(view)"
                    + " or new HashMap<>(view).";
        }
        return prefix + "threads, streams, sockets and other JVM resources cannot be sent to another JVM."
                + " Capture the data they hold instead.";
    }

    private static Class<?> firstClosedClassWithFields(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (isClosed(c) && Arrays.stream(c.getDeclaredFields()).anyMatch(f -> !Modifier.isStatic(f.getModifiers()))) {
                return c;
            }
        }
        return null;
    }

    private static boolean isClosed(Class<?> type) {
        Module module = type.getModule();
        return module.isNamed() && (isJdk(module) || !module.isOpen(type.getPackageName(), KRYO_MODULE));
    }

    private static boolean isJdk(Module module) {
        String name = module.getName();
        return name != null && (name.startsWith("java.") || name.startsWith("jdk."));
    }

    private static boolean hasPublicNoArgConstructor(Class<?> type) {
        try {
            return Modifier.isPublic(type.getModifiers()) && Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Java serialization, failing with a message that names a contained value that is not Serializable. */
    static final class JavaFallbackSerializer extends JavaSerializer {
        @Override
        public void write(Kryo kryo, Output output, Object object) {
            try {
                super.write(kryo, output, object);
            } catch (KryoException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof NotSerializableException) {
                        String container = kryo.isClosure(object.getClass())
                                ? "a lambda defined in " + LambdaSerializer.definingClassName(object.getClass())
                                : "a " + object.getClass().getName();
                        throw new UnserializableValueException(t.getMessage(), "Cannot serialize a value of type "
                                + t.getMessage() + ": it is inside " + container + ", which only Java serialization"
                                + " can write, so everything it holds must implement java.io.Serializable. Make "
                                + t.getMessage() + " Serializable, or hold it in a plain collection or class of"
                                + " your own instead.", null);
                    }
                }
                throw e;
            }
        }
    }

    /** Stands in for a class that cannot be serialized, failing as soon as a value of it is written. */
    private static final class RejectingSerializer extends Serializer<Object> {
        private final String className;
        private final String reason;

        RejectingSerializer(String className, String reason) {
            this.className = className;
            this.reason = reason;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            throw new UnserializableValueException(className, reason, null);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            throw new ReadFailure("Cannot restore a value of type " + className + ", which cannot be serialized"
                    + " in this JVM; the data was written by a different version of the code.", null);
        }
    }
}
