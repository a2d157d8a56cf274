package dev.persist.bench;

import dev.persist.PersistentTask;
import dev.persist.core.KryoCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Figure 6: writing a task (a serializable lambda) with core's {@link KryoCodec}, as
 * {@code persist()} does, against Java serialization of the same closure, for three shapes of
 * closure ({@link #shape}). Each writes into a fresh byte array and reads it back, so that both
 * sides do the whole trip a job's task makes. Run by {@code bench/run.sh}; by hand:
 * {@code java -cp 'persist-bench/target/classes:persist-bench/target/lib/*' org.openjdk.jmh.Main SerializationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SerializationBenchmark {

    /** {@code none}: {@code () -> 1}; {@code primitives}: reads an int, a long and a double; {@code list1000}: sums a captured list of 1000 records. */
    @Param({"none", "primitives", "list1000"})
    public String shape;

    private final KryoCodec codec = new KryoCodec();
    private PersistentTask<?> task;

    /** A captured record, as a task's data might be. */
    public record Point(int id, double x, double y, String label) implements Serializable {
    }

    /** Builds the closure of {@link #shape}. */
    @Setup
    public void setUp() {
        task = task(shape);
    }

    static PersistentTask<?> task(String shape) {
        switch (shape) {
            case "none":
                return () -> 1;
            case "primitives":
                int a = 3;
                long b = 4L;
                double c = 5.5;
                return () -> a + b + c;
            case "list1000":
                List<Point> points = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    points.add(new Point(i, i * 0.5, i * 0.25, "p" + i));
                }
                return () -> points.stream().mapToDouble(Point::x).sum();
            default:
                throw new IllegalArgumentException("Unknown closure shape '" + shape + "'; known: none, primitives, list1000");
        }
    }

    /** @return the task after a trip through Kryo */
    @Benchmark
    public Object kryo() throws Exception {
        return codec.fromBytes(codec.toBytes(task), getClass().getClassLoader());
    }

    /** @return the task after a trip through Java serialization */
    @Benchmark
    public Object javaSerialization() throws Exception {
        return javaRead(javaWrite(task));
    }

    static byte[] javaWrite(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Object javaRead(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    /**
     * Prints, for {@code bench/run.sh}, the serialized size of each shape with each codec.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        KryoCodec codec = new KryoCodec();
        for (String shape : new String[] {"none", "primitives", "list1000"}) {
            PersistentTask<?> task = task(shape);
            System.out.printf("%s %d %d%n", shape, codec.toBytes(task).length, javaWrite(task).length);
        }
    }
}
