package dev.persist.core;

import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;

/**
 * Kryo's reference resolver, refusing the back-references that Kryo cannot restore.
 *
 * <p>Kryo restores a back-reference to an object only once that object exists. Records, lambdas,
 * immutable collections and the like are created after their contents, so a reference to one of
 * them from inside its own contents would silently read as null. Lambdas are caught while writing
 * (the common case: an object holding a lambda that captures the object); the rest while reading.
 *
 * <p>Objects read are kept in fixed-size chunks rather than Kryo's single growing list, which a
 * graph of millions of objects would copy again and again.
 */
final class CycleCheckingReferenceResolver extends MapReferenceResolver {
    private static final int CHUNK_BITS = 13;
    private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

    private final Set<Object> lambdasBeingWritten = Collections.newSetFromMap(new IdentityHashMap<>());
    private Object[][] readChunks = {new Object[CHUNK_SIZE]};
    private int readCount;

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
    public int nextReadId(Class type) {
        int chunk = readCount >>> CHUNK_BITS;
        if (chunk == readChunks.length) {
            readChunks = Arrays.copyOf(readChunks, 2 * chunk);
        }
        if (readChunks[chunk] == null) {
            readChunks[chunk] = new Object[CHUNK_SIZE];
        }
        return readCount++;
    }

    @Override
    public void setReadObject(int id, Object object) {
        readChunks[id >>> CHUNK_BITS][id & (CHUNK_SIZE - 1)] = object;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object getReadObject(Class type, int id) {
        Objects.checkIndex(id, readCount);
        Object object = readChunks[id >>> CHUNK_BITS][id & (CHUNK_SIZE - 1)];
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
        // Keeps the first chunk only, so that a pooled Kryo does not hold on to a large graph's chunks.
        Arrays.fill(readChunks[0], 0, Math.min(readCount, CHUNK_SIZE), null);
        if (readChunks.length > 1) {
            readChunks = new Object[][] {readChunks[0]};
        }
        readCount = 0;
    }
}
