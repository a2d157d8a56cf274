package dev.persist.local;

import static dev.persist.core.JobTesting.assertJobDirectories;
import static dev.persist.core.JobTesting.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.persist.Job;
import dev.persist.JobExistsException;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.NoSuchJobException;
import dev.persist.PersistentTask;
import dev.persist.local.LocalTestSupport.ChildJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets an error naming what was wrong, and a rejected submission leaves nothing on disk. */
class BadInputTest extends LocalJobTestBase {

    private static final PersistentTask<String> TRIVIAL = () -> "ok";

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/b", "a b", "x;rm -rf", "a\nb", ".hidden", "-x", "..", "a\0b"})
    void invalidNamesAreRejectedWithTheRule(String name) {
        assertInvalidName(name);
    }

    @Test
    void namesLongerThan128CharactersAreRejected() {
        assertInvalidName("n".repeat(129));
    }

    private void assertInvalidName(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> jobs.persist(name, "local", TRIVIAL));
        assertMentions(e.getMessage(), "128");
        assertMentions(e.getMessage(), "A-Za-z0-9");
        assertThrows(IllegalArgumentException.class, () -> jobs.open(name), "open() with an invalid name");
        assertJobDirectories(home);
    }

    @Test
    void aNameOf128CharactersIsAccepted() {
        String name = "n".repeat(128);
        Job<String> job = jobs.persist(name, "local", TRIVIAL);
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("ok", jobs.open(name).fetch());
    }

    @Test
    void unknownBackendIsRejectedSuggestingTheNearestKnownOne() {
        for (IllegalArgumentException e : List.of(
                assertThrows(IllegalArgumentException.class, () -> jobs.persist("typo", "locl", TRIVIAL)),
                assertThrows(IllegalArgumentException.class,
                        () -> jobs.persist("typo", JobOptions.backend("locl"), TRIVIAL)))) {
            assertMentions(e.getMessage(), "'locl'");
            assertMentions(e.getMessage(), "known");
            assertMentions(e.getMessage(), "'local'");
        }
        assertJobDirectories(home);
    }

    @Test
    void takenNameIsRejectedAndTheExistingJobIsKept() {
        Job<String> existing = jobs.persist("taken", "local", () -> "first");
        JobExistsException e = assertThrows(JobExistsException.class,
                () -> jobs.persist("taken", "local", () -> "second"));
        assertEquals("taken", e.jobName());
        assertMentions(e.getMessage(), "'taken'");
        assertEquals(JobStatus.DONE, existing.await(GENEROUS), existing::info);
        assertEquals("first", jobs.open("taken").fetch());
        assertJobDirectories(home, "taken");
    }

    @Test
    void threadsRacingForOneNameGetExactlyOneJob() throws Exception {
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Job<Integer>>> attempts = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                int value = i;
                attempts.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return jobs.persist("contested", "local", () -> value);
                }));
            }
            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                try {
                    attempts.get(i).get(60, TimeUnit.SECONDS);
                    winners.add(i);
                } catch (ExecutionException e) {
                    assertInstanceOf(JobExistsException.class, e.getCause(), "a losing racer's error");
                }
            }
            assertEquals(1, winners.size(), "winners: " + winners);
            Job<?> job = jobs.open("contested");
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
            assertEquals(winners.get(0), job.fetch(), "the winner's task ran");
            assertJobDirectories(home, "contested");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void jvmsRacingForOneNameGetExactlyOneJob() throws IOException {
        Path go = tmp.resolve("go");
        List<ChildJvm> racers = new ArrayList<>();
        try {
            for (String value : List.of("jvm-a", "jvm-b", "jvm-c")) {
                racers.add(ChildJvm.start(List.of(), scratch, Map.of(), tmp.resolve(value + ".stderr"),
                        SubmitterMain.class, "race", home.toString(), "contested", value, go.toString()));
            }
            for (ChildJvm racer : racers) {
                racer.awaitLine(GENEROUS, "READY");
            }
            Files.createFile(go);
            List<String> outcomes = new ArrayList<>();
            for (ChildJvm racer : racers) {
                outcomes.add(racer.awaitLine(GENEROUS, "SUBMITTED", "EXISTS", "ERROR"));
                assertEquals(0, racer.awaitExit(GENEROUS), racer::describe);
            }
            assertEquals(1, outcomes.stream().filter("SUBMITTED"::equals).count(), outcomes.toString());
            assertEquals(2, outcomes.stream().filter("EXISTS"::equals).count(), outcomes.toString());
            String winner = List.of("jvm-a", "jvm-b", "jvm-c").get(outcomes.indexOf("SUBMITTED"));
            Job<?> job = jobs.open("contested");
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
            assertEquals(winner, job.fetch());
            assertJobDirectories(home, "contested");
        } finally {
            racers.forEach(ChildJvm::close);
        }
    }

    @Test
    void capturedThreadIsRejectedNamingItsClass() {
        Thread thread = new Thread(() -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> jobs.persist("thread", "local", () -> thread.getName()));
        assertMentions(e.getMessage(), "java.lang.Thread");
        assertJobDirectories(home);
    }

    @Test
    void capturedSystemOutIsRejected() {
        PrintStream out = System.out;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jobs.persist("stdout", "local", () -> {
            out.println("from the job");
            return 1;
        }));
        assertMentions(e.getMessage(), "java.io.");
        assertJobDirectories(home);
    }

    @Test
    void openingAnUnknownJobNamesIt() {
        NoSuchJobException e = assertThrows(NoSuchJobException.class, () -> jobs.open("nope"));
        assertEquals("nope", e.jobName());
        assertMentions(e.getMessage(), "'nope'");
    }
}
