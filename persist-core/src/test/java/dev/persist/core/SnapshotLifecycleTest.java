package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.persist.GcReport;
import dev.persist.Job;
import dev.persist.PersistException;
import dev.persist.PersistentTask;
import dev.persist.spi.JobManager;
import java.io.File;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots through the life of jobs: persist pins, cleanup and gc release. The backend is a
 * Mockito stand-in that starts nothing (what is under test is the store, and a thousand real
 * JVMs would take minutes); real jobs running from snapshots are tested in persist-local.
 */
class SnapshotLifecycleTest {

    @TempDir
    Path tmp;

    private final JobManager backend = mock(JobManager.class);
    private Path home;
    private JobStore store;

    @BeforeEach
    void createStore() throws IOException {
        when(backend.id()).thenReturn("fake");
        when(backend.launch(any())).thenReturn(Map.of("id", "1"));
        home = tmp.resolve("home");
        KryoCodec codec = new KryoCodec();
        store = new JobStore(home, TestBackends.of(backend), () -> codec, Clock.systemUTC());
    }

    /** A task whose class lives in its own freshly compiled directory, returning {@code answer}. */
    private PersistentTask<?> compiledTask(String directory, String answer) throws Exception {
        URLClassLoader loader = CompiledClasses.compile(Files.createDirectories(tmp.resolve(directory)), Map.of("gen.Task",
                "package gen; public class Task implements dev.persist.PersistentTask<String> {"
                        + " public String call() { return \"" + answer + "\"; } }"));
        return (PersistentTask<?>) loader.loadClass("gen.Task").getConstructor().newInstance();
    }

    /** The stored snapshots, file name to size. */
    private Map<String, Long> stored() throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(home.resolve("snapshots"))) {
            for (Path p : list.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}\\.jar")).toList()) {
                files.put(p.getFileName().toString(), Files.size(p));
            }
        }
        return files;
    }

    private PinnedClasspath classpath(Job<?> job) {
        return store.readRecord(job.name(), job.directory()).classpath();
    }

    private String snapshotOf(Job<?> job, Path source) {
        return classpath(job).entries().stream().filter(e -> e.source().equals(source.toString()))
                .findFirst().orElseThrow().fileName();
    }

    @Test
    void aThousandJobsFromOneClassPathStoreNothingNewAfterTheFirst() throws IOException {
        Job<Integer> first = store.persist("job-0", "fake", () -> 1);
        Map<String, Long> afterFirst = stored();
        assertTrue(afterFirst.size() > 5, "the test's class path is pinned: " + afterFirst);

        for (int i = 1; i < 1000; i++) {
            store.persist("job-" + i, "fake", () -> 1);
        }

        assertEquals(afterFirst, stored());
        Job<?> last = store.open("job-999");
        for (PinnedClasspath.Entry e : classpath(last).entries()) {
            assertTrue(Files.isSameFile(e.link(first.directory()), e.link(last.directory())), e.source());
            assertEquals(1001, (int) (Integer) Files.getAttribute(home.resolve("snapshots").resolve(e.fileName()),
                    "unix:nlink"), "1000 jobs and the store share one file");
        }
    }

    @Test
    void theRunnerCommandRunsFromTheJobsLinksInClassPathOrder() throws IOException {
        Job<Integer> job = store.persist("ordered", "fake", () -> 1);
        JobRecord record = store.readRecord("ordered", job.directory());

        List<String> command = record.command();
        String classPath = command.get(command.indexOf("-cp") + 1);
        assertEquals(record.classpath().entries().stream().map(e -> e.link(job.directory()).toString()).toList(),
                List.of(classPath.split(File.pathSeparator)));
        List<String> sources = record.classpath().entries().stream().map(PinnedClasspath.Entry::source).toList();
        List<String> jvm = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .distinct().filter(sources::contains).toList();
        assertEquals(jvm, sources.subList(0, jvm.size()), "this JVM's class path comes first, in its order (an entry"
                + " with the same content as an earlier one is left out)");
    }

    @Test
    void cleanupDeletesTheSnapshotsOnlyItsJobUsed() throws Exception {
        Job<?> a = store.persist("a", "fake", compiledTask("build-1", "first"));
        Job<?> b = store.persist("b", "fake", compiledTask("build-2", "second"));
        String onlyA = snapshotOf(a, tmp.resolve("build-1"));
        String onlyB = snapshotOf(b, tmp.resolve("build-2"));
        Map<String, Long> before = stored();

        a.cleanup();

        Map<String, Long> expected = new TreeMap<>(before);
        expected.remove(onlyA);
        assertEquals(expected, stored());
        assertTrue(stored().containsKey(onlyB));
        b.cleanup();
        assertEquals(Map.of(), stored(), "no job left, no snapshot left");
    }

    @Test
    void gcDeletesWhatNoJobUsesAndKeepsTheRest() throws Exception {
        Job<?> deletedByHand = store.persist("by-hand", "fake", compiledTask("build-1", "first"));
        Job<?> kept = store.persist("kept", "fake", () -> 1);
        String orphan = snapshotOf(deletedByHand, tmp.resolve("build-1"));
        long orphanSize = stored().get(orphan);
        SecureFiles.deleteRecursively(deletedByHand.directory());
        Path snapshots = home.resolve("snapshots");
        Path abandonedCopy = Files.writeString(snapshots.resolve(".tmp-1.jar"), "half a jar");
        Path copyInProgress = Files.writeString(snapshots.resolve(".tmp-2.jar"), "half a jar");
        Files.setLastModifiedTime(abandonedCopy, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path abandonedStaging = Files.createDirectories(home.resolve("jobs/.staging-3/classpath"));
        String linkedByStaging = classpath(kept).entries().get(0).fileName();
        Files.createLink(abandonedStaging.resolve(linkedByStaging), snapshots.resolve(linkedByStaging));
        Files.setLastModifiedTime(abandonedStaging.getParent(), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path recentStaging = Files.createDirectories(home.resolve("jobs/.staging-4"));

        GcReport report = store.gc();

        Map<String, Long> inUse = stored();
        assertEquals(new GcReport(1, orphanSize, inUse.size(), inUse.values().stream().mapToLong(Long::longValue).sum()),
                report);
        assertFalse(inUse.containsKey(orphan));
        assertEquals(classpath(kept).entries().size(), inUse.size(), "every snapshot of the remaining job is kept");
        assertFalse(Files.exists(abandonedCopy));
        assertTrue(Files.exists(copyInProgress), "a copy being written now is not touched");
        assertFalse(Files.exists(abandonedStaging.getParent()));
        assertTrue(Files.exists(recentStaging));
        Snapshots.verify(kept.directory(), classpath(kept));
        assertEquals(new GcReport(0, 0, report.kept(), report.keptBytes()), store.gc(), "nothing more to do");
        assertTrue(report.toString().startsWith("removed 1 unused class path snapshot(s) ("), report.toString());
    }

    @Test
    void aSnapshotDeletedUnderARunningStoreIsStoredAgainAndEarlierJobsKeepTheirs() throws IOException {
        Job<Integer> first = store.persist("first", "fake", () -> 1);
        for (String file : stored().keySet()) {
            Files.delete(home.resolve("snapshots").resolve(file)); // as a concurrent gc between two pins could
        }

        Job<Integer> second = store.persist("second", "fake", () -> 2);

        Snapshots.verify(first.directory(), classpath(first));
        Snapshots.verify(second.directory(), classpath(second));
        assertEquals(classpath(first).entries(), classpath(second).entries());
        for (PinnedClasspath.Entry e : classpath(second).entries()) {
            assertTrue(Files.isSameFile(home.resolve("snapshots").resolve(e.fileName()), e.link(second.directory())));
        }
    }

    @Test
    void gcAndCleanupRacingPersistsNeverLeaveAJobWithoutItsSnapshots() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Integer> collector = CompletableFuture.supplyAsync(() -> {
            int runs = 0;
            while (!done.get()) {
                store.gc();
                runs++;
            }
            return runs;
        });
        try {
            for (int i = 0; i < 50; i++) {
                Job<Integer> job = store.persist("race-" + i, "fake", () -> 1);
                for (PinnedClasspath.Entry e : classpath(job).entries()) {
                    assertEquals(e.size(), Files.size(e.link(job.directory())), e.source());
                }
                job.cleanup(); // its snapshots are unused until the next persist links them again
            }
        } finally {
            done.set(true);
        }
        assertTrue(collector.get(60, TimeUnit.SECONDS) > 0);
        Job<Integer> last = store.persist("last", "fake", () -> 1);
        Snapshots.verify(last.directory(), classpath(last));
    }

    @Test
    void aSnapshotDirectoryOthersCanWriteIsRefusedAndNothingIsLeft() throws IOException {
        store.persist("before", "fake", () -> 1).cleanup();
        Files.setPosixFilePermissions(home.resolve("snapshots"), PosixFilePermissions.fromString("rwxrwxrwx"));

        PersistException e = assertThrows(PersistException.class, () -> store.persist("refused", "fake", () -> 1));

        assertTrue(e.getMessage().startsWith("Refusing the Persist snapshot directory: " + home.resolve("snapshots")
                + " has permissions rwxrwxrwx"), e.getMessage());
        try (Stream<Path> jobs = Files.list(home.resolve("jobs"))) {
            assertEquals(List.of(), jobs.toList());
        }
    }
}
