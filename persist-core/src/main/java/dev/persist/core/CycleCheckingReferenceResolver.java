package dev.persist.core;

import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Kryo's reference resolver, refusing the back-references that Kryo cannot restore.
 *
 * <p>Kryo restores a back-reference to an object only once that object exists. Records, lambdas,
 * immutable collections and the like are created after their contents, so a reference to one of
 * them from inside its own contents would silently read as null. Lambdas are caught while writing
 * (the common case: an object holding a lambda that captures the object); the rest while reading.
 */
final class CycleCheckingReferenceResolver extends MapReferenceResolver {
    private final Set<Object> lambdasBeingWritten = Collections.newSetFromMap(new IdentityHashMap<>());

    void startWritingLambda(Object lambda) {
        lambdasBeingWritten.add(lambda);
    }

    void finishWritingLambda(Object lambda) {
        lambdasBeingWritten.remove(lambda);
    }

    @Override
    public int getWrittenId(Object object) {
        int id = super.getWrittenId(object);
        if (id != -1 && lambdasBeingWritten.contains(object)) {
            String definingClass = LambdaSerializer.definingClassName(object.getClass());
            throw new UnserializableValueException(object.getClass().getName(),
                    "Cannot serialize a lambda defined in " + definingClass + ": it captures a value that"
                            + " refers back to the lambda itself (for example, the lambda reads a field of"
                            + " `this`, and `this` holds the lambda), and such a cycle cannot be restored."
                            + " Copy the values the lambda needs into local variables and capture those instead.",
                    null);
        }
        return id;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getReadObject(Class type, int id) {
        Object object = super.getReadObject(type, id);
        if (object == null) {
            String what = type == ClosureSerializer.Closure.class ? "a lambda" : "a " + type.getName();
            throw new ReadFailure("Cannot restore the value: it contains " + what + " that is referred to"
                    + " from inside its own contents. Records, lambdas and immutable collections are created"
                    + " after their contents, so they cannot be part of a cycle; break the cycle with a"
                    + " mutable class.", null);
        }
        return object;
    }

    @Override
    public void reset() {
        super.reset();
        lambdasBeingWritten.clear();
    }
}
