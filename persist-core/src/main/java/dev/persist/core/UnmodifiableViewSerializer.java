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
 * Serializes the views returned by {@code Collections.unmodifiableList} and its siblings as a copy of
 * their contents, and wraps the copy again when reading.
 *
 * <p>Their classes are internal to the JDK: Kryo cannot read the wrapped collection, and its
 * generic collection serializer cannot rebuild them. Unlike Java serialization, this copy lets the
 * elements be any value Kryo can serialize. A view and the collection it wraps, if both are
 * serialized, are no longer connected after reading.
 */
final class UnmodifiableViewSerializer extends Serializer<Object> {
    private final UnaryOperator<Object> copy;
    private final UnaryOperator<Object> wrap;

    private UnmodifiableViewSerializer(UnaryOperator<Object> copy, UnaryOperator<Object> wrap) {
        this.copy = copy;
        this.wrap = wrap;
    }

    @SuppressWarnings("unchecked")
    static void addDefaultSerializers(Kryo kryo) {
        add(kryo, Collections.unmodifiableCollection(new ArrayList<>()),
                c -> new ArrayList<>((Collection<Object>) c), c -> Collections.unmodifiableCollection((Collection<Object>) c));
        add(kryo, Collections.unmodifiableList(new ArrayList<>()),
                c -> new ArrayList<>((List<Object>) c), c -> Collections.unmodifiableList((List<Object>) c));
        add(kryo, Collections.unmodifiableList(new LinkedList<>()),
                c -> new LinkedList<>((List<Object>) c), c -> Collections.unmodifiableList((List<Object>) c));
        add(kryo, Collections.unmodifiableSet(new LinkedHashSet<>()),
                c -> new LinkedHashSet<>((Set<Object>) c), c -> Collections.unmodifiableSet((Set<Object>) c));
        add(kryo, Collections.unmodifiableSortedSet(new TreeSet<>()),
                c -> new TreeSet<>((SortedSet<Object>) c), c -> Collections.unmodifiableSortedSet((SortedSet<Object>) c));
        add(kryo, Collections.unmodifiableNavigableSet(new TreeSet<>()),
                c -> new TreeSet<>((SortedSet<Object>) c), c -> Collections.unmodifiableNavigableSet((NavigableSet<Object>) c));
        add(kryo, Collections.unmodifiableMap(new LinkedHashMap<>()),
                m -> new LinkedHashMap<>((Map<Object, Object>) m), m -> Collections.unmodifiableMap((Map<Object, Object>) m));
        add(kryo, Collections.unmodifiableSortedMap(new TreeMap<>()),
                m -> new TreeMap<>((SortedMap<Object, Object>) m),
                m -> Collections.unmodifiableSortedMap((SortedMap<Object, Object>) m));
        add(kryo, Collections.unmodifiableNavigableMap(new TreeMap<>()),
                m -> new TreeMap<>((SortedMap<Object, Object>) m),
                m -> Collections.unmodifiableNavigableMap((NavigableMap<Object, Object>) m));
    }

    private static void add(Kryo kryo, Object example, UnaryOperator<Object> copy, UnaryOperator<Object> wrap) {
        kryo.addDefaultSerializer(example.getClass(), new UnmodifiableViewSerializer(copy, wrap));
    }

    @Override
    public void write(Kryo kryo, Output output, Object view) {
        kryo.writeClassAndObject(output, copy.apply(view));
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        return wrap.apply(kryo.readClassAndObject(input));
    }
}
