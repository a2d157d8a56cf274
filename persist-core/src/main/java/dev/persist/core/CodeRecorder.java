package dev.persist.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.util.ObjectMap;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Notes, while {@link KryoCodec#toBytes(Object, CodeRecorder)} serializes a value, the classes
 * whose instances it writes and the lambdas it takes apart: the code that reading and running the
 * value will need. {@link JShellCapture} uses it to find the classes a task from JShell needs.
 */
final class CodeRecorder {

    /**
     * A lambda as written.
     *
     * @param loader the class loader of the class that defined it
     * @param form its parts
     */
    record Lambda(ClassLoader loader, SerializedLambda form) {
    }

    private final Set<Class<?>> classes = new LinkedHashSet<>();
    private final List<Lambda> lambdas = new ArrayList<>();

    /** @return the classes written so far, in the order first seen */
    Set<Class<?>> classes() {
        return classes;
    }

    /** @return the lambdas written so far */
    List<Lambda> lambdas() {
        return lambdas;
    }

    void attachTo(Kryo kryo) {
        context(kryo).put(CodeRecorder.class, this);
    }

    static void detachFrom(Kryo kryo) {
        context(kryo).remove(CodeRecorder.class);
    }

    /** Notes a class whose instance (or a class literal) the Kryo is writing, if a recorder listens. */
    static void recordClass(Kryo kryo, Class<?> type) {
        if (context(kryo).get(CodeRecorder.class) instanceof CodeRecorder recorder) {
            recorder.classes.add(type);
        }
    }

    /** Notes a lambda the Kryo is writing, if a recorder listens. */
    static void recordLambda(Kryo kryo, Class<?> lambdaClass, SerializedLambda form) {
        if (context(kryo).get(CodeRecorder.class) instanceof CodeRecorder recorder) {
            recorder.lambdas.add(new Lambda(lambdaClass.getClassLoader(), form));
        }
    }

    @SuppressWarnings("unchecked") // Kryo's context map is raw
    private static ObjectMap<Object, Object> context(Kryo kryo) {
        return kryo.getContext();
    }
}
