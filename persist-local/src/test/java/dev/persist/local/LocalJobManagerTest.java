package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobOptions;
import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.BackendState.Phase;
import dev.persist.spi.JobRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend's answers about handles, against the real process table. */
class LocalJobManagerTest {

    @TempDir
    Path home;

    private final ProcessTable processes = new ProcessTable();
    private final LocalJobManager manager = new LocalJobManager(processes, new LocalQueue(), new SpawnerClient());

    private JobRef ref(long pid, long startTicks, String bootId, String host) {
        return ref(Map.of("pid", Long.toString(pid), "startTicks", Long.toString(startTicks), "bootId", bootId, "host", host));
    }

    private JobRef ref(Map<String, String> handle) {
        return new JobRef("j", home.resolve("jobs/j"), home, handle, Instant.now());
    }

    /** A handle on this machine, this boot, for a process that has exited: nothing to signal. */
    private Map<String, String> handleOfAnExitedProcess(String ticket) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("true").start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "true did not exit");
        return Map.of("pid", Long.toString(process.pid()), "startTicks", "1", "bootId", processes.bootId(),
                "host", processes.hostName(), "ticket", ticket);
    }

    /** This test JVM: a process that is certainly alive. */
    private ProcessTable.Stat self() {
        return processes.stat(ProcessHandle.current().pid()).orElseThrow();
    }

    private BackendState query(JobRef ref) throws IOException {
        return manager.query(List.of(ref)).get("j");
    }

    @Test
    void itIsTheLocalBackendAndDeclaresItsName() {
        assertEquals("local", manager.id());
        assertEquals(manager.id(), LocalJobManager.class.getAnnotation(BackendName.class).value());
    }

    @Test
    void aLiveProcessWithTheRecordedStartTimeIsActive() throws IOException {
        assertEquals(Phase.ACTIVE, query(ref(self().pid(), self().startTicks(), processes.bootId(), processes.hostName())).phase());
    }

    @Test
    void aReusedPidIsNotTheJob() throws IOException {
        assertEquals(Phase.GONE, query(ref(self().pid(), self().startTicks() - 1, processes.bootId(), processes.hostName())).phase());
    }

    @Test
    void aRebootEndsEveryJob() throws IOException {
        BackendState state = query(ref(self().pid(), self().startTicks(), "another-boot", processes.hostName()));
        assertEquals(Phase.GONE, state.phase());
        assertTrue(state.detail().contains("rebooted"), state.detail());
    }

    @Test
    void aJobOnAnotherHostIsNeitherCheckedNorCancelledHere() throws IOException {
        JobRef elsewhere = ref(1, 1, processes.bootId(), "other-host");
        BackendState state = query(elsewhere);
        assertEquals(Phase.ACTIVE, state.phase());
        assertTrue(state.detail().contains("other-host"), state.detail());
        IOException e = assertThrows(IOException.class, () -> manager.cancel(elsewhere));
        assertTrue(e.getMessage().contains("cancel it there"), e.getMessage());
    }

    @Test
    void aCorruptHandleIsReportedWithItsFields() {
        JobRef broken = ref(Map.of("pid", "x"));
        IOException e = assertThrows(IOException.class, () -> manager.query(List.of(broken)));
        assertTrue(e.getMessage().contains("expected pid and startTicks or spawner, bootId, host and a queue ticket"), e.getMessage());
    }

    /** A handle of a job handed to a spawner with the given identity; its session is in the job's session file. */
    private JobRef spawned(long spawnerPid, long spawnerStartTicks) throws IOException {
        Files.createDirectories(home.resolve("jobs/j"));
        return ref(Map.of("spawner", spawnerPid + "/" + spawnerStartTicks, "bootId", processes.bootId(),
                "host", processes.hostName()));
    }

    private void recordSession(Session session) throws IOException {
        session.write(home.resolve("jobs/j").resolve(Session.FILE));
    }

    @Test
    void aJobWaitingForALiveSpawnerIsPendingThenItsSessionCounts() throws IOException {
        JobRef job = spawned(self().pid(), self().startTicks());
        BackendState waiting = query(job);
        assertEquals(Phase.PENDING, waiting.phase());
        assertEquals("waiting for the local spawner (pid " + self().pid() + ") to start it", waiting.detail());
        assertEquals("on " + processes.hostName() + ", " + waiting.detail(), manager.describe(job));

        recordSession(Session.started(self().pid(), self().startTicks()));
        assertEquals(Phase.ACTIVE, query(job).phase());
        assertTrue(manager.describe(job).startsWith("session " + self().pid() + " on "), manager.describe(job));
        recordSession(Session.started(self().pid(), self().startTicks() - 1));
        assertEquals(Phase.GONE, query(job).phase(), "a reused pid is not the job's session");
    }

    @Test
    void cancelGivesUpSayingWhyWhenALiveSpawnerDoesNotStartTheJob() throws IOException {
        JobRef job = spawned(self().pid(), self().startTicks());
        IOException e = assertThrows(IOException.class, () -> manager.cancel(job));
        assertEquals("Job 'j' is still waiting for the local spawner (pid " + self().pid() + ") to start it after 5 s; "
                + "cancel it again later", e.getMessage());
    }

    @Test
    void cancelInterruptedWhileWaitingForTheSpawnerSaysSoAndKeepsTheInterrupt() throws IOException, InterruptedException {
        JobRef job = spawned(self().pid(), self().startTicks());
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until cancel() sleeps between looks at the session file
            }
            caller.interrupt();
        });
        interrupter.start();
        try {
            IOException e = assertThrows(IOException.class, () -> manager.cancel(job));
            assertEquals("Interrupted while waiting for the local spawner to start job 'j'", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted(); // first: join() of a thread still ending would throw at once
            interrupter.join();
        }
    }

    @Test
    void aJobWhoseSpawnerEndedBeforeStartingItFailsSayingSo() throws IOException, InterruptedException {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS), "true did not exit");
        BackendState state = query(spawned(gone.pid(), 1));
        assertEquals(Phase.FAILED, state.phase());
        assertEquals("the local spawner (pid " + gone.pid() + ") ended before it started the job; submit it again", state.detail());
    }

    @Test
    void aJobTheSpawnerCouldNotStartFailsWithTheReason() throws IOException {
        JobRef job = spawned(self().pid(), self().startTicks());
        recordSession(Session.failed("Cannot run program \"setsid\": error=2,\nNo such file or directory"));
        BackendState state = query(job);
        assertEquals(Phase.FAILED, state.phase());
        assertEquals("the job could not be started: Cannot run program \"setsid\": error=2, No such file or directory",
                state.detail());
        manager.cancel(job); // nothing to stop
    }

    @Test
    void aDamagedSessionFileIsReportedWithWhatItShouldHold() throws IOException {
        JobRef job = spawned(self().pid(), self().startTicks());
        Files.writeString(home.resolve("jobs/j").resolve(Session.FILE), "started twelve");
        IOException e = assertThrows(IOException.class, () -> query(job));
        assertTrue(e.getMessage().endsWith(": 'started twelve'; expected 'started PID START_TICKS' or 'failed MESSAGE'"),
                e.getMessage());
    }

    @Test
    void aTicketThatIsNoTicketIsNeverUsedAsAPath() throws IOException, InterruptedException {
        Path outside = Files.createFile(home.resolve("victim.wait"));
        JobRef tampered = ref(handleOfAnExitedProcess("../../victim"));
        IOException e = assertThrows(IOException.class, () -> manager.cancel(tampered));
        assertTrue(e.getMessage().contains("invalid local handle"), e.getMessage());
        assertTrue(Files.exists(outside));
    }

    @Test
    void theGateScriptIsReplacedWhenItIsNotThisVersionsAndRestoredWhenItIsGone() throws IOException {
        Path script = new LocalQueue().prepare(home).resolve(LocalQueue.SCRIPT);
        byte[] current = Files.readAllBytes(script);
        Files.writeString(script, "# the gate of another version\n");

        LocalQueue queue = new LocalQueue(); // as in another JVM
        queue.prepare(home);
        assertEquals(new String(current), Files.readString(script), "another version's gate was replaced");
        Files.delete(script);
        queue.prepare(home);
        assertEquals(new String(current), Files.readString(script), "a missing gate was written again");
    }

    @Test
    void cancellingAJobWithdrawsItsTicket() throws IOException, InterruptedException {
        LocalQueue queue = new LocalQueue();
        Path queueDir = queue.prepare(home);
        String ticket = queue.enqueue(queueDir, "j");

        manager.cancel(ref(handleOfAnExitedProcess(ticket)));

        assertFalse(Files.exists(queueDir.resolve(ticket + ".wait")));
    }

    @Test
    void unknownOptionsAndBadSlotCountsAreRejected() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> manager.validate(JobOptions.backend("local").option("partition", "gpu")));
        assertEquals("Unknown option 'partition' for backend 'local'; it understands: slots (how many jobs may run at once)",
                unknown.getMessage());
        IllegalArgumentException slots = assertThrows(IllegalArgumentException.class,
                () -> manager.validate(JobOptions.backend("local").option("slots", "0")));
        assertTrue(slots.getMessage().contains("an integer from 1 to 1024"), slots.getMessage());
        manager.validate(JobOptions.backend("local").option("slots", "3"));
    }

    @Test
    void slotsComeFromTheJobThenTheHomeThenTheCpuCount() throws IOException {
        LocalQueue queue = new LocalQueue();
        JobOptions plain = JobOptions.backend("local");
        assertEquals(Runtime.getRuntime().availableProcessors(), queue.slots(home, plain));
        Files.writeString(home.resolve(LocalQueue.CONFIG), "# defaults\nlocal.slots = 3\n");
        assertEquals(3, queue.slots(home, plain));
        assertEquals(1, queue.slots(home, plain.option("slots", "1")));
        Files.writeString(home.resolve(LocalQueue.CONFIG), "local.slots=many\n");
        IOException e = assertThrows(IOException.class, () -> queue.slots(home, plain));
        assertTrue(e.getMessage().contains("'local.slots' in " + home.resolve(LocalQueue.CONFIG)), e.getMessage());
    }

    @Test
    void ticketsSortInSubmissionOrder() {
        LocalQueue queue = new LocalQueue();
        String first = queue.ticket("zzz");
        String second = queue.ticket("aaa");
        assertTrue(first.compareTo(second) < 0, first + " then " + second);
        assertTrue(first.matches("[0-9]{21}-zzz"), first + ": the number zero-padded to 21 digits, then the name");
    }

    @Test
    void aTicketIsAPrivateEmptyFileUntilItsJobTakesIt() throws IOException {
        LocalQueue queue = new LocalQueue();
        Path queueDir = queue.prepare(home);
        String ticket = queue.enqueue(queueDir, "job");
        Path file = queueDir.resolve(ticket + ".wait");
        assertEquals(0, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(queueDir)));

        queue.withdraw(queueDir, ticket);

        assertFalse(Files.exists(file));
    }

    @Test
    void theGateRefusesAnInvalidSlotCountWithoutRunningTheCommand() throws IOException, InterruptedException {
        LocalQueue queue = new LocalQueue();
        Path queueDir = queue.prepare(home);
        Path ran = home.resolve("ran");
        Process gate = new ProcessBuilder("/bin/sh", queueDir.resolve(LocalQueue.SCRIPT).toString(), queueDir.toString(),
                queue.enqueue(queueDir, "j"), "many", "touch", ran.toString())
                .redirectErrorStream(true).start();

        assertTrue(gate.waitFor(30, TimeUnit.SECONDS), "queue.sh did not exit");
        assertEquals(2, gate.exitValue());
        assertEquals("persist: queue.sh: invalid slot count 'many'\n", new String(gate.getInputStream().readAllBytes()));
        assertFalse(Files.exists(ran));
    }
}
