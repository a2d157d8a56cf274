package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.persist.core.JobTesting;
import dev.persist.slurm.CommandRunner.CommandResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** squeue answers shared between callers: how many calls many questions cost, and how fresh answers are. */
class SqueueSnapshotsTest {

    private final CommandRunner runner = mock(CommandRunner.class);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SqueueSnapshots snapshots = new SqueueSnapshots(new Slurm(runner, pause -> { }), clock::get);
    /** The --jobs argument of every squeue call, as sorted id sets. */
    private final List<Set<String>> calls = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Every asked job is RUNNING. */
    private CommandResult answer(List<String> argv) {
        Set<String> ids = argv.stream().filter(a -> a.startsWith("--jobs=")).findFirst().map(a ->
                new TreeSet<>(Arrays.asList(a.substring("--jobs=".length()).split(",")))).orElseThrow();
        calls.add(ids);
        return new CommandResult(0, ids.stream().map(id -> id + "|RUNNING|0|debug|0:01|1:00|n1|None\n")
                .collect(Collectors.joining()), "");
    }

    private void answerEverything() throws IOException {
        when(runner.run(any(), anyMap(), any())).thenAnswer(call -> answer(call.getArgument(0)));
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void aRecentAnswerServesEveryQuestionItCovers() throws IOException {
        answerEverything();

        assertEquals(Set.of("1", "2"), snapshots.jobs("", Set.of("1", "2")).keySet());
        advance(SqueueSnapshots.MAX_AGE.dividedBy(2));
        assertEquals(Set.of("2"), snapshots.jobs("", Set.of("2")).keySet());

        assertEquals(List.of(Set.of("1", "2")), calls);
    }

    @Test
    void aNewCallAsksAlsoAboutTheJobsOthersAreWaitingFor() throws IOException {
        answerEverything();
        snapshots.jobs("", Set.of("1"));
        snapshots.jobs("", Set.of("2"));
        advance(SqueueSnapshots.MAX_AGE);

        snapshots.jobs("", Set.of("1"));
        snapshots.jobs("", Set.of("2"));

        assertEquals(List.of(Set.of("1"), Set.of("1", "2"), Set.of("1", "2")), calls);
    }

    @Test
    void jobsNobodyAskedAboutForAWhileNoLongerRideAlong() throws IOException {
        answerEverything();
        snapshots.jobs("", Set.of("1"));
        advance(SqueueSnapshots.INTEREST.plusSeconds(1));

        snapshots.jobs("", Set.of("2"));

        assertEquals(List.of(Set.of("1"), Set.of("2")), calls);
    }

    @Test
    void manyThreadsAskingAtOnceCostTwoCallsNotOneEach() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        when(runner.run(any(), anyMap(), any())).thenAnswer(call -> {
            firstCallStarted.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return answer(call.getArgument(0));
        });
        Future<Map<String, SlurmJob>> first = threads.submit(() -> snapshots.jobs("", Set.of("0")));
        assertTrue(firstCallStarted.await(30, TimeUnit.SECONDS));
        List<Future<Map<String, SlurmJob>>> others = new ArrayList<>();
        List<Thread> waiting = Collections.synchronizedList(new ArrayList<>());
        for (int i = 1; i <= 20; i++) {
            String id = Integer.toString(i);
            others.add(threads.submit(() -> {
                waiting.add(Thread.currentThread());
                return snapshots.jobs("", Set.of(id));
            }));
        }
        JobTesting.waitFor(() -> Optional.of(true).filter(t -> waiting.size() == 20
                && waiting.stream().allMatch(th -> th.getState() == Thread.State.WAITING)), Duration.ofSeconds(30),
                () -> "20 threads waiting for squeue");

        release.countDown();

        assertEquals(Set.of("0"), first.get(30, TimeUnit.SECONDS).keySet());
        for (int i = 1; i <= 20; i++) {
            assertEquals(Set.of(Integer.toString(i)), others.get(i - 1).get(30, TimeUnit.SECONDS).keySet());
        }
        assertEquals(2, calls.size(), calls.toString());
        assertEquals(21, calls.get(1).size(), "the second call asks about every job: " + calls.get(1));
    }

    @Test
    void afterACancelTheNextQuestionMakesANewCall() throws IOException {
        answerEverything();
        snapshots.jobs("", Set.of("1"));

        snapshots.forget("");
        snapshots.jobs("", Set.of("1"));

        assertEquals(2, calls.size());
    }

    @Test
    void clustersAreAskedSeparately() throws IOException {
        answerEverything();

        snapshots.jobs("east", Set.of("1"));
        snapshots.jobs("west", Set.of("1"));

        assertEquals(2, calls.size());
    }

    @Test
    void aFailedCallIsReportedToItsCallersAndNotRemembered() throws IOException {
        when(runner.run(any(), anyMap(), any()))
                .thenReturn(new CommandResult(1, "", "squeue: error: Invalid user: nobody"))
                .thenAnswer(call -> answer(call.getArgument(0)));

        IOException e = assertThrows(IOException.class, () -> snapshots.jobs("", Set.of("1")));

        assertEquals("squeue failed (exit code 1): squeue: error: Invalid user: nobody", e.getMessage());
        assertEquals(Set.of("1"), snapshots.jobs("", Set.of("1")).keySet());
    }
}
