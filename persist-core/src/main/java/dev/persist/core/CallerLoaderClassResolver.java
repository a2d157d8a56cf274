package dev.persist.core;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves class names through the Kryo's current class loader only, and forgets classes from
 * other loaders when an object graph is done.
 *
 * <p>Also tells a {@link CodeRecorder}, if one listens, which classes are written.
 *
 * <p>Kryo's own resolver falls back to Kryo's class loader and caches names across calls, so a
 * pooled Kryo could read a class the caller's loader cannot see, hand out a class from an earlier
 * call's loader, and keep that loader reachable for as long as the pool lives.
 */
final class CallerLoaderClassResolver extends DefaultClassResolver {
    private final ClassLoader baseLoader;
    private final List<Class<?>> implicitlyRegistered = new ArrayList<>();

    CallerLoaderClassResolver(ClassLoader baseLoader) {
        this.baseLoader = baseLoader;
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Class getTypeByName(String className) {
        try {
            return Class.forName(className, false, kryo.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new KryoException(e);
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration writeClass(Output output, Class type) {
        if (type != null) {
            CodeRecorder.recordClass(kryo, type);
        }
        return super.writeClass(output, type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration registerImplicit(Class type) {
        Registration registration = super.registerImplicit(type);
        implicitlyRegistered.add(type);
        return registration;
    }

    // Skips the superclass's one-entry memo, which would keep a forgotten class reachable.
    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
        return classToRegistration.get(type);
    }

    @Override
    public void reset() {
        super.reset();
        for (Class<?> type : implicitlyRegistered) {
            if (!isVisibleFromBaseLoader(type)) {
                classToRegistration.remove(type);
            }
        }
        implicitlyRegistered.clear();
    }

    private boolean isVisibleFromBaseLoader(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return true;
        }
        for (ClassLoader l = baseLoader; l != null; l = l.getParent()) {
            if (l == loader) {
                return true;
            }
        }
        return false;
    }
}
