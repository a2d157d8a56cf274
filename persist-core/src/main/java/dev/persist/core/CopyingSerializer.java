package dev.persist.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Serializes a JDK collection whose class Kryo cannot rebuild as a plain copy of its contents, and
 * rebuilds it from the copy: the views of {@code Collections.unmodifiableList} and its siblings, and
 * the immutable lists of {@code List.of} and {@code Stream.toList()}.
 *
 * <p>Kryo cannot read the collection an unmodifiable view wraps, and its own serializer for
 * immutable lists rejects the nulls that {@code Stream.toList()} allows. Unlike Java serialization,
 * the copy lets the elements be any value Kryo can serialize. A view and the collection it wraps,
 * if both are serialized, are no longer connected after reading.
 */
final class CopyingSerializer extends Serializer<Object> {
    private final UnaryOperator<Object> copy;
    private final UnaryOperator<Object> rebuild;

    private CopyingSerializer(UnaryOperator<Object> copy, UnaryOperator<Object> rebuild) {
        this.copy = copy;
        this.rebuild = rebuild;
    }

    @SuppressWarnings("unchecked")
    static void register(Kryo kryo) {
        UnaryOperator<Object> toArrayList = c -> new ArrayList<>((Collection<Object>) c);
        UnaryOperator<Object> toTreeSet = c -> new TreeSet<>((SortedSet<Object>) c);
        UnaryOperator<Object> toTreeMap = m -> new TreeMap<>((SortedMap<Object, Object>) m);

        // Stream.toList() makes the same classes as List.of, with or without nulls as the elements need.
        UnaryOperator<Object> toImmutableList = c -> ((List<Object>) c).stream().toList();
        // (No stream is made here to find them: the job's JVM would spend milliseconds loading java.util.stream.)
        for (List<?> list : List.<List<?>>of(List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3).subList(0, 2))) {
            add(kryo, list, toArrayList, toImmutableList);
        }

        add(kryo, Collections.unmodifiableCollection(new ArrayList<>()), toArrayList,
                c -> Collections.unmodifiableCollection((Collection<Object>) c));
        add(kryo, Collections.unmodifiableList(new ArrayList<>()), toArrayList,
                c -> Collections.unmodifiableList((List<Object>) c));
        add(kryo, Collections.unmodifiableList(new LinkedList<>()), c -> new LinkedList<>((List<Object>) c),
                c -> Collections.unmodifiableList((List<Object>) c));
        add(kryo, Collections.unmodifiableSet(new LinkedHashSet<>()), c -> new LinkedHashSet<>((Set<Object>) c),
                c -> Collections.unmodifiableSet((Set<Object>) c));
        add(kryo, Collections.unmodifiableSortedSet(new TreeSet<>()), toTreeSet,
                c -> Collections.unmodifiableSortedSet((SortedSet<Object>) c));
        add(kryo, Collections.unmodifiableNavigableSet(new TreeSet<>()), toTreeSet,
                c -> Collections.unmodifiableNavigableSet((NavigableSet<Object>) c));
        add(kryo, Collections.unmodifiableMap(new LinkedHashMap<>()), m -> new LinkedHashMap<>((Map<Object, Object>) m),
                m -> Collections.unmodifiableMap((Map<Object, Object>) m));
        add(kryo, Collections.unmodifiableSortedMap(new TreeMap<>()), toTreeMap,
                m -> Collections.unmodifiableSortedMap((SortedMap<Object, Object>) m));
        add(kryo, Collections.unmodifiableNavigableMap(new TreeMap<>()), toTreeMap,
                m -> Collections.unmodifiableNavigableMap((NavigableMap<Object, Object>) m));
    }

    private static void add(Kryo kryo, Object example, UnaryOperator<Object> copy, UnaryOperator<Object> rebuild) {
        if (kryo.getClassResolver().getRegistration(example.getClass()) == null) {
            kryo.register(example.getClass(), new CopyingSerializer(copy, rebuild));
        }
    }

    @Override
    public void write(Kryo kryo, Output output, Object collection) {
        kryo.writeClassAndObject(output, copy.apply(collection));
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        return rebuild.apply(kryo.readClassAndObject(input));
    }
}
