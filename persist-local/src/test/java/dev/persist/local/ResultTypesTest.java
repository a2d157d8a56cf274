package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results and captured values of ordinary Java types survive the trip to the runner JVM and
 * back. One job builds a {@link Sample} of everything (it costs one JVM start); each test checks
 * one part of what came back.
 */
class ResultTypesTest {

    enum Colour { RED, GREEN }

    record Point(int x, int y) {
    }

    record Segment(Point from, Point to, String label) {
    }

    /** A user class without a no-argument constructor. */
    static final class Account {
        private final String owner;
        private final BigDecimal balance;

        Account(String owner, BigDecimal balance) {
            this.owner = Objects.requireNonNull(owner);
            this.balance = Objects.requireNonNull(balance);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && owner.equals(a.owner) && balance.equals(a.balance);
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, balance);
        }

        @Override
        public String toString() {
            return "Account[" + owner + ", " + balance + "]";
        }
    }

    /** A mutable node, for reference cycles. */
    static final class Node {
        final String name;
        Node next;

        Node(String name) {
            this.name = name;
        }
    }

    record Captured(Point point, List<String> list, Account account) {
    }

    record Sample(Segment segment, List<Integer> list, Map<String, Integer> map, Set<String> set, Colour colour,
            int[] ints, double[] doubles, String[] strings, BigDecimal decimal, BigInteger big, Instant instant,
            LocalDate date, Duration duration, ZonedDateTime zoned, Optional<String> present, Optional<String> absent,
            Account account, List<Account> sameAccountTwice, Node cycle, Captured captured) {

        /** Builds the same value in the runner and here, from the captured values. */
        static Sample build(Captured captured) {
            Account shared = new Account("ada", new BigDecimal("12.50"));
            Node a = new Node("a");
            Node b = new Node("b");
            a.next = b;
            b.next = a;
            return new Sample(
                    new Segment(new Point(1, 2), new Point(3, 4), "diagonal"),
                    List.of(1, 2, 3),
                    Map.of("one", 1, "two", 2),
                    Set.of("x", "y", "z"),
                    Colour.GREEN,
                    new int[] {1, -2, Integer.MAX_VALUE},
                    new double[] {0.5, Double.NaN, -0.0},
                    new String[] {"s", null, "ü"},
                    new BigDecimal("3.14159265358979323846264338327950288"),
                    BigInteger.TWO.pow(200).negate(),
                    Instant.parse("2024-02-29T12:34:56.123456789Z"),
                    LocalDate.of(1999, 12, 31),
                    Duration.ofSeconds(90061, 5),
                    ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
                    Optional.of("here"),
                    Optional.empty(),
                    shared,
                    List.of(shared, shared),
                    a,
                    captured);
        }
    }

    @TempDir
    static Path tmp;

    static Sample expected;
    static Sample actual;
    static Jobs jobs;

    @BeforeAll
    static void runOneJobThatReturnsEverything() {
        Point point = new Point(-7, 7);
        List<String> list = new ArrayList<>(List.of("mutable", "list"));
        Account account = new Account("grace", new BigDecimal("-1E+3"));
        expected = Sample.build(new Captured(point, list, account));

        jobs = Persist.jobs(tmp.resolve("home"));
        Job<Sample> job = jobs.persist("everything", "local",
                () -> Sample.build(new Captured(point, list, account)));
        assertEquals(JobStatus.DONE, job.await(LocalJobTestBase.GENEROUS), job::info);
        actual = job.fetch();
    }

    @Test
    void recordsRoundTripIncludingNestedOnes() {
        assertEquals(expected.segment(), actual.segment());
    }

    @Test
    void immutableCollectionsRoundTrip() {
        assertEquals(List.of(1, 2, 3), actual.list());
        assertEquals(Map.of("one", 1, "two", 2), actual.map());
        assertEquals(Set.of("x", "y", "z"), actual.set());
    }

    @Test
    void enumsRoundTripAsTheSameConstant() {
        assertSame(Colour.GREEN, actual.colour());
    }

    @Test
    void arraysRoundTrip() {
        assertArrayEquals(expected.ints(), actual.ints());
        assertArrayEquals(expected.doubles(), actual.doubles());
        assertArrayEquals(expected.strings(), actual.strings());
    }

    @Test
    void bigNumbersRoundTripExactly() {
        assertEquals(expected.decimal(), actual.decimal());
        assertEquals(expected.decimal().scale(), actual.decimal().scale());
        assertEquals(expected.big(), actual.big());
    }

    @Test
    void javaTimeValuesRoundTrip() {
        assertEquals(expected.instant(), actual.instant());
        assertEquals(expected.date(), actual.date());
        assertEquals(expected.duration(), actual.duration());
        assertEquals(expected.zoned(), actual.zoned());
        assertEquals(ZoneId.of("Europe/Paris"), actual.zoned().getZone());
    }

    @Test
    void optionalsRoundTrip() {
        assertEquals(Optional.of("here"), actual.present());
        assertEquals(Optional.empty(), actual.absent());
    }

    @Test
    void userClassWithoutNoArgConstructorRoundTrips() {
        assertEquals(expected.account(), actual.account());
    }

    @Test
    void sharedReferencesStayShared() {
        assertSame(actual.sameAccountTwice().get(0), actual.sameAccountTwice().get(1));
        assertSame(actual.account(), actual.sameAccountTwice().get(0));
    }

    @Test
    void cyclesAreRestored() {
        Node a = actual.cycle();
        assertEquals("a", a.name);
        assertEquals("b", a.next.name);
        assertSame(a, a.next.next);
    }

    @Test
    void capturedValuesReachTheTask() {
        assertEquals(expected.captured(), actual.captured());
    }

    @Test
    void nullResultRoundTrips() {
        Job<Object> job = jobs.persist("nothing", "local", () -> null);
        assertEquals(JobStatus.DONE, job.await(LocalJobTestBase.GENEROUS), job::info);
        assertNull(job.fetch());
    }
}
