package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.PersistException;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's error paths that a real backend cannot be made to take on demand: a backend that fails to
 * start or to report on jobs, a job whose backend is not installed, and malformed submissions; and
 * when core knows a job runs without asking its backend. The backend is a Mockito stand-in; real
 * launches are tested in persist-local.
 */
class JobStoreTest {

    @TempDir
    Path home;

    private final JobManager backend = mock(JobManager.class);

    JobStoreTest() {
        when(backend.id()).thenReturn("fake");
    }

    private JobStore store(JobManager... managers) {
        KryoCodec codec = new KryoCodec();
        return new JobStore(home, TestBackends.of(managers), () -> codec, Clock.systemUTC());
    }

    private List<Path> jobDirectoryEntries() throws IOException {
        try (Stream<Path> entries = Files.list(home.resolve("jobs"))) {
            return entries.toList();
        }
    }

    @Test
    void gcAsksEveryBackendToCollectItsGarbageAndNamesOneThatCannot() throws IOException {
        JobManager other = mock(JobManager.class);
        when(other.id()).thenReturn("other");

        store(backend, other).gc();

        verify(backend).collectGarbage(home);
        verify(other).collectGarbage(home);
        doThrow(new IOException("disk on fire")).when(other).collectGarbage(home);
        PersistException e = assertThrows(PersistException.class, () -> store(backend, other).gc());
        assertEquals("Cannot collect the garbage under " + home + " of backend 'other': disk on fire. The rest was"
                + " collected; run gc again once that is mended.", e.getMessage());
    }

    @Test
    void gcGivesEveryBackendItsTurnWhenOneFailsAndNamesAllThatFailed() throws IOException {
        JobManager second = mock(JobManager.class);
        when(second.id()).thenReturn("second");
        JobManager third = mock(JobManager.class);
        when(third.id()).thenReturn("third");
        doThrow(new IllegalStateException("broken")).when(backend).collectGarbage(home);
        doThrow(new IOException("read-only")).when(third).collectGarbage(home);

        PersistException e = assertThrows(PersistException.class, () -> store(backend, second, third).gc());

        verify(second).collectGarbage(home);
        verify(third).collectGarbage(home);
        assertEquals("Cannot collect the garbage under " + home + " of backend 'fake': broken; backend 'third':"
                + " read-only. The rest was collected; run gc again once that is mended.", e.getMessage());
        assertEquals("broken", e.getCause().getMessage());
        assertEquals(List.of("read-only"), Stream.of(e.getSuppressed()).map(Throwable::getMessage).toList());
    }

    @Test
    void aBackendThatCannotStartTheJobLeavesNothingBehind() throws IOException {
        when(backend.launch(any())).thenThrow(new IOException("no such partition 'gpu'"));
        JobStore store = store(backend);

        PersistException e = assertThrows(PersistException.class, () -> store.persist("doomed", "fake", () -> 1));

        assertEquals("Backend 'fake' could not start job 'doomed': no such partition 'gpu'", e.getMessage());
        assertEquals(List.of(), jobDirectoryEntries());
        doReturn(Map.of("id", "7")).when(backend).launch(any());
        assertEquals("doomed", store.persist("doomed", "fake", () -> 1).name(), "the name is free again");
    }

    @Test
    void aBackendThatCannotReportSaysWhichAndHowMany() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        when(backend.query(anyList())).thenThrow(new IOException("squeue timed out"));
        JobStore store = store(backend);
        Job<Integer> job = store.persist("asked", "fake", () -> 1);

        PersistException e = assertThrows(PersistException.class, job::status);

        assertEquals("Backend 'fake' could not report on 1 job(s): squeue timed out", e.getMessage());
    }

    @Test
    void aJobWhoseBackendIsNotInstalledSaysWhichJarToAdd() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        store(backend).persist("elsewhere", "fake", () -> 1);

        Job<?> reopened = store().open("elsewhere");
        PersistException e = assertThrows(PersistException.class, reopened::status);

        assertTrue(e.getMessage().startsWith("Job 'elsewhere' runs on backend 'fake', which is not installed in this JVM:"
                + " add its jar (persist-fake) to the class path."), e.getMessage());
    }

    @Test
    void aDirectoryWithoutAJobIsEmptyAndHasNoResult() throws IOException {
        Files.createDirectories(home.resolve("jobs").resolve("hollow"));
        JobStore store = store(backend);

        Job<?> job = store.open("hollow");

        assertEquals(JobStatus.EMPTY, job.status());
        assertEquals(JobStatus.EMPTY, job.await());
        PersistException e = assertThrows(PersistException.class, job::fetch);
        assertEquals("Job 'hollow' is empty: no job was submitted into " + job.directory(), e.getMessage());
        job.cleanup();
        assertFalse(Files.exists(job.directory()));
    }

    @Test
    void malformedCommandsAreRejectedBeforeAnythingIsWritten() {
        JobStore store = store(backend);
        JobOptions options = JobOptions.backend("fake");

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> store.submit("cmd", options, List.of()));
        assertEquals("The command is empty: give the program to run and its arguments", empty.getMessage());
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> store.submit("cmd", options, List.of("echo", "a\0b")));
        assertEquals("Invalid command argument: arguments may not be null or contain NUL", nul.getMessage());
        assertFalse(Files.exists(home.resolve("jobs")));
    }

    @Test
    void listingSkipsWhatIsNoPrivateJobDirectory() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        JobStore store = store(backend);
        store.submit("kept", JobOptions.backend("fake"), List.of("true"));
        Path shared = store.submit("shared", JobOptions.backend("fake"), List.of("true")).directory();
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(home.resolve("jobs").resolve("stray-file"), "not a job");
        Files.createSymbolicLink(home.resolve("jobs").resolve("link"), home.resolve("jobs").resolve("kept"));

        List<String> listed = store.list().stream().map(Job::name).toList();

        assertEquals(List.of("kept"), listed);
        PersistException e = assertThrows(PersistException.class, () -> store.open("shared"));
        assertTrue(e.getMessage().startsWith("Refusing job 'shared': " + shared + " has permissions rwxrwxrwx"),
                e.getMessage());
    }

    @Test
    void aListedJobReadsItsCommandWhenFirstAskedAndNamesWhatIsWrongWithIt() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        JobStore store = store(backend);
        Path dir = store.submit("tampered", JobOptions.backend("fake"), List.of("echo", "hi")).directory();
        Path json = dir.resolve(JobDir.JOB_JSON);
        Job<?> listed = store.list().get(0);
        Files.writeString(json, Files.readString(json).replace("[\"echo\", \"hi\"]", "[\"echo\", 2]"));

        PersistException e = assertThrows(PersistException.class, listed::info);

        assertEquals("Cannot read job 'tampered': " + json + " is unusable: 'command' is not a list of strings. If the"
                + " job is not running any more, remove " + dir + " to free the name", e.getMessage());
    }

    @Test
    void aJobReplacedSinceItWasListedIsNotMistakenForIt() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        JobStore store = store(backend);
        store.submit("again", JobOptions.backend("fake"), List.of("echo", "first"));
        Job<?> listed = store.list().get(0);
        SecureFiles.deleteRecursively(listed.directory());
        store.submit("again", JobOptions.backend("fake"), List.of("echo", "second"));

        PersistException e = assertThrows(PersistException.class, listed::info);

        assertTrue(e.getMessage().startsWith("Job 'again' was replaced by another job of that name (submitted "),
                e.getMessage());
        assertTrue(store.open("again").info().contains("command echo second"), store.open("again").info());
    }
    @Test
    void aJobWhoseWrapperRunsHereIsRunningWithoutAskingItsBackendUntilTheWrapperIsGone() throws Exception {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        JobStore store = store(backend);
        Job<Integer> job = store.submit("wrapped", JobOptions.backend("fake"), List.of("sleep", "60"));
        Path dir = job.directory();
        // What a backend does: start the job's wrapper.
        Process wrapper = new ProcessBuilder("/bin/sh", dir.resolve(JobDir.RUN_SH).toString(), dir.toString(), "0", "5",
                "sleep", "60").redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
        try {
            String started = JobTesting.awaitFile(dir.resolve(JobDir.STARTED), Duration.ofSeconds(10));
            assertEquals(wrapper.pid() + " " + startTicks(wrapper.pid()) + " " + bootId(), started,
                    "the wrapper names itself");

            assertEquals(JobStatus.RUNNING, job.status());
            assertEquals(JobStatus.RUNNING, store.list().get(0).status());
            verify(backend, never()).query(anyList());

            // Killed without a trace: now the backend decides (it knows nothing of the job).
            List<ProcessHandle> children = wrapper.descendants().toList();
            wrapper.destroyForcibly().waitFor();
            children.forEach(ProcessHandle::destroyForcibly);
            assertEquals(JobStatus.FAILED, job.status());
            verify(backend).query(anyList());
        } finally {
            wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
            wrapper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aStartedMarkerThatDoesNotNameALiveProcessOfThisBootLeavesItToTheBackend() throws IOException {
        when(backend.launch(any())).thenReturn(Map.of("id", "7"));
        when(backend.query(anyList())).thenReturn(Map.of("marked", BackendState.of(BackendState.Phase.ACTIVE)));
        JobStore store = store(backend);
        Job<Integer> job = store.submit("marked", JobOptions.backend("fake"), List.of("true"));
        Path started = job.directory().resolve(JobDir.STARTED);
        long self = ProcessHandle.current().pid();

        // This JVM, named as the wrapper names itself, counts as the job's live wrapper.
        Files.writeString(started, self + " " + startTicks(self) + " " + bootId() + "\n");
        assertEquals(JobStatus.RUNNING, job.status());
        verify(backend, never()).query(anyList());

        for (String marker : List.of("", self + " " + (startTicks(self) + 1) + " " + bootId(),
                self + " " + startTicks(self) + " 00000000-0000-0000-0000-000000000000", "self " + startTicks(self) + " "
                + bootId(), "written by hand")) {
            Files.writeString(started, marker);
            assertEquals(JobStatus.RUNNING, job.status(), marker);
        }
        verify(backend, times(5)).query(anyList());
    }

    /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
    private static long startTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    private static String bootId() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    }
}
