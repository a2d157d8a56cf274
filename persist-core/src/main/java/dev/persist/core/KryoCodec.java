package dev.persist.core;

import static java.util.Objects.requireNonNull;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.AtomicBooleanSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.AtomicIntegerSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.AtomicLongSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.AtomicReferenceSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.PatternSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.URISerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.UUIDSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Turns values into bytes and back with Kryo: tasks, their results and their failures.
 *
 * <p>Everything a task captures is serialized, whether or not it implements
 * {@link java.io.Serializable}; only lambdas must have a serializable target type (such as
 * {@link dev.persist.PersistentTask}). Shared references and cycles are preserved. Values that
 * cannot live in another JVM, such as threads, streams or {@code System.out}, are rejected with an
 * {@link UnserializableValueException} that names them and says how they were reached.
 *
 * <pre>{@code
 * KryoCodec codec = new KryoCodec();
 * byte[] bytes = codec.toBytes(task);
 * PersistentTask<?> again = (PersistentTask<?>) codec.fromBytes(bytes, jobClassLoader);
 * }</pre>
 *
 * <p>Instances are thread-safe and meant to be shared. No {@code --add-opens} flag is needed.
 */
public final class KryoCodec {
    /** How much of a stream is buffered at a time. */
    private static final int BUFFER_SIZE = 64 * 1024;
    /** The buffer for values held in memory, mostly tasks of a few hundred bytes (64 KiB showed in persist()'s profile). */
    private static final int IN_MEMORY_BUFFER_SIZE = 4 * 1024;
    private static final int MAX_PATH_STEPS = 10;

    private final ClassLoader defaultLoader = KryoCodec.class.getClassLoader();
    private final Pool<Kryo> pool = new Pool<>(true, false) {
        @Override
        protected Kryo create() {
            return newKryo();
        }
    };

    /*
     * A value nested too deeply ends its write or read in a StackOverflowError, which Kryo catches
     * at every level as it unwinds, adding a line to a KryoException's trace, a StringBuffer. A
     * class first initialized there, with the stack all but used up, fails to initialize and stays
     * unusable for the rest of the JVM's life: it happened to StringBuffer in a test JVM, which then
     * lost every test result after it. So both are initialized with this class, where the stack is
     * not exhausted.
     */
    static {
        initialize(StringBuffer.class);
        initialize(KryoException.class);
    }

    /** Creates a codec. Kryo instances are made as needed, one for each concurrent call. */
    public KryoCodec() {
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(type + " is loaded, so it can be found", e);
        }
    }

    /**
     * Writes a value to a stream, buffering at most 64 KiB of it at a time. The stream is flushed,
     * not closed.
     *
     * @param value the value; may be null
     * @param out where to write
     * @throws UnserializableValueException if the value holds something that cannot be serialized;
     *     part of the value may have been written by then
     * @throws IOException if the stream fails
     */
    public void write(Object value, OutputStream out) throws IOException {
        write(value, out, BUFFER_SIZE, null);
    }

    private void write(Object value, OutputStream out, int bufferSize, CodeRecorder recorder) throws IOException {
        FailureRecordingOutputStream stream = new FailureRecordingOutputStream(requireNonNull(out, "out is null"));
        Kryo kryo = pool.obtain();
        if (recorder != null) {
            recorder.attachTo(kryo);
        }
        try {
            Output output = new Output(stream, bufferSize);
            kryo.writeClassAndObject(output, value);
            output.flush();
        } catch (RuntimeException e) {
            if (stream.failure != null) {
                throw stream.failure;
            }
            throw unserializable(e, value);
        } finally {
            CodeRecorder.detachFrom(kryo);
            pool.free(kryo);
        }
    }

    /**
     * @param value the value; may be null
     * @return the value's bytes, for {@link #fromBytes}
     * @throws UnserializableValueException if the value holds something that cannot be serialized
     */
    public byte[] toBytes(Object value) {
        return toBytes(value, null);
    }

    /**
     * @param value the value; may be null
     * @param recorder notes the classes and lambdas written, or null
     * @return the value's bytes, for {@link #fromBytes}
     * @throws UnserializableValueException if the value holds something that cannot be serialized
     */
    byte[] toBytes(Object value, CodeRecorder recorder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(value, bytes, IN_MEMORY_BUFFER_SIZE, recorder);
        } catch (IOException e) {
            throw new UncheckedIOException("A ByteArrayOutputStream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a value written by {@link #write}. Reads ahead, so the stream should hold nothing after
     * the value; it is not closed.
     *
     * @param in where to read from
     * @param loader the class loader that resolves the classes the value needs, e.g. the job's
     * @return the value; may be null
     * @throws UnreadableDataException if the data is truncated or corrupted, or does not match the
     *     classes {@code loader} sees
     * @throws IOException if the stream fails
     */
    public Object read(InputStream in, ClassLoader loader) throws IOException, UnreadableDataException {
        FailureRecordingInputStream stream = new FailureRecordingInputStream(requireNonNull(in, "in is null"));
        try {
            return read(new Input(stream, BUFFER_SIZE), loader);
        } catch (UnreadableDataException e) {
            if (stream.failure != null) {
                throw stream.failure;
            }
            throw e;
        }
    }

    /**
     * @param bytes bytes made by {@link #toBytes}
     * @param loader the class loader that resolves the classes the value needs, e.g. the job's
     * @return the value; may be null
     * @throws UnreadableDataException if the data is truncated or corrupted, or does not match the
     *     classes {@code loader} sees
     */
    public Object fromBytes(byte[] bytes, ClassLoader loader) throws UnreadableDataException {
        // A stream-backed Input reports missing bytes as an underflow, as when reading a file.
        return read(new Input(new ByteArrayInputStream(requireNonNull(bytes, "bytes is null")), IN_MEMORY_BUFFER_SIZE),
                loader);
    }

    private Object read(Input input, ClassLoader loader) throws UnreadableDataException {
        requireNonNull(loader, "loader is null");
        Kryo kryo = pool.obtain();
        kryo.setClassLoader(loader);
        try {
            return kryo.readClassAndObject(input);
        } catch (RuntimeException e) {
            throw unreadable(e);
        } finally {
            kryo.setClassLoader(defaultLoader);
            pool.free(kryo);
        }
    }

    private Kryo newKryo() {
        SerializerPolicy policy = new SerializerPolicy();
        CycleCheckingReferenceResolver references = new CycleCheckingReferenceResolver();
        Kryo kryo = new Kryo(new CallerLoaderClassResolver(defaultLoader), references) {
            @Override
            @SuppressWarnings("rawtypes")
            public Serializer getDefaultSerializer(Class type) {
                return policy.review(type, super.getDefaultSerializer(type));
            }
        };
        kryo.setClassLoader(defaultLoader);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.setDefaultSerializer(policy);
        kryo.addDefaultSerializer(URI.class, new URISerializer());
        kryo.addDefaultSerializer(UUID.class, new UUIDSerializer());
        kryo.addDefaultSerializer(Pattern.class, new PatternSerializer());
        kryo.addDefaultSerializer(AtomicBoolean.class, new AtomicBooleanSerializer());
        kryo.addDefaultSerializer(AtomicInteger.class, new AtomicIntegerSerializer());
        kryo.addDefaultSerializer(AtomicLong.class, new AtomicLongSerializer());
        kryo.addDefaultSerializer(AtomicReference.class, new AtomicReferenceSerializer());
        CopyingSerializer.register(kryo);
        kryo.register(Object[].class);
        kryo.register(Class.class);
        kryo.register(ClosureSerializer.Closure.class, new LambdaSerializer(references));
        return kryo;
    }

    private static UnserializableValueException unserializable(RuntimeException e, Object value) {
        UnserializableValueException reason = find(e, UnserializableValueException.class);
        String path = path(e);
        if (reason != null) {
            return new UnserializableValueException(reason.offendingClass(), reason.getMessage() + path, e);
        }
        String type = value == null ? "null" : value.getClass().getName();
        if (find(e, StackOverflowError.class) != null) {
            return new UnserializableValueException(type, "Cannot serialize a value of type " + type
                    + ": it is nested too deeply (for example a very long linked list). Run with a larger"
                    + " thread stack (-Xss), or hold the data in a flatter structure." + path, e);
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new UnserializableValueException(type, "Cannot serialize a value of type " + type + ": "
                + firstLine(root) + path, e);
    }

    /** Where Kryo's serialization trace says the failure happened, innermost first. */
    private static String path(Throwable e) {
        List<String> steps = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t instanceof KryoException ? t.getMessage() : null;
            int start = message == null ? -1 : message.indexOf("Serialization trace:\n");
            if (start < 0) {
                continue;
            }
            String previous = null;
            int repeats = 0;
            for (String line : message.substring(start + "Serialization trace:\n".length()).split("\n")) {
                Matcher field = ErrorPatterns.FIELD_TRACE.matcher(line);
                String step = field.matches() ? describeField(field.group(1), field.group(2)) : line;
                if (step.equals(previous)) {
                    steps.set(steps.size() - 1, step + " (" + ++repeats + " times)");
                } else {
                    steps.add(step);
                    previous = step;
                    repeats = 1;
                }
            }
        }
        if (steps.size() > MAX_PATH_STEPS) {
            int omitted = steps.size() - MAX_PATH_STEPS;
            steps.subList(MAX_PATH_STEPS / 2, steps.size() - MAX_PATH_STEPS / 2).clear();
            steps.add(MAX_PATH_STEPS / 2, "(" + omitted + " more)");
        }
        return steps.isEmpty() ? "" : " Reached through: " + String.join(" <- ", steps) + ".";
    }

    private static String describeField(String name, String owner) {
        if (name.startsWith("this$")) {
            return "the enclosing instance of " + owner;
        }
        if (name.startsWith("val$")) {
            return "captured variable '" + name.substring("val$".length()) + "' of " + owner;
        }
        return "field '" + name + "' (" + owner + ")";
    }

    private static UnreadableDataException unreadable(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ReadFailure) {
                return new UnreadableDataException(t.getMessage(), e);
            }
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
                String name = ErrorPatterns.ARRAY_NAME.matcher(t.getMessage().replace('/', '.')).replaceFirst("$1");
                return new UnreadableDataException("Cannot read the value: class " + name + " is not available in"
                        + " this JVM. Read it with the class path it was written with.", e);
            }
            if (t instanceof InvalidClassException invalid && invalid.classname != null) {
                return new UnreadableDataException("Cannot read the value: class " + invalid.classname
                        + " changed incompatibly since the value was written. Read it with the class path it was"
                        + " written with.", e);
            }
            if (t instanceof StackOverflowError) {
                return new UnreadableDataException("Cannot read the value: it is nested too deeply for this thread's"
                        + " stack. Read it on a thread with a larger stack (-Xss).", e);
            }
            if (t instanceof KryoBufferUnderflowException || t instanceof EOFException) {
                return new UnreadableDataException("Cannot read the value: the data ends too early. It was"
                        + " truncated, for example by an interrupted write or a full disk.", e);
            }
        }
        return new UnreadableDataException("Cannot read the value: the data is corrupted, or was written by an"
                + " incompatible version of Persist or of the value's classes.", e);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Remembers the stream's own failure, which Kryo wraps like its own errors. */
    /** Only for error messages: compiled when one is made, not in every job's JVM (see Runner). */
    private static final class ErrorPatterns {
        static final Pattern ARRAY_NAME = Pattern.compile("^\\[+L(.+);$");
        static final Pattern FIELD_TRACE = Pattern.compile("(\\S+) \\((\\S+)\\)");
    }

    private static final class FailureRecordingOutputStream extends FilterOutputStream {
        IOException failure;

        FailureRecordingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** Remembers the stream's own failure, which Kryo wraps like its own errors. */
    private static final class FailureRecordingInputStream extends FilterInputStream {
        IOException failure;

        FailureRecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                return in.read(bytes, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
