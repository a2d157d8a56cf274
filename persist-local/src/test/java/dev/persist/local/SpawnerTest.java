package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.core.JobDir;
import dev.persist.core.JobRecord;
import dev.persist.core.JobTesting;
import dev.persist.local.LocalTestSupport.ChildJvm;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The local spawner, for real: jobs handed to it, what happens when it fails or goes, and its end. */
class SpawnerTest extends LocalJobTestBase {

    private final ProcessTable processes = new ProcessTable();

    private static Map<String, String> handle(Job<?> job) {
        try {
            return JobRecord.fromJson(Files.readString(job.directory().resolve(JobDir.JOB_JSON))).handle();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the spawner's pid from the handle of a job handed to it */
    private static long spawnerPid(Job<?> job) {
        String spawner = handle(job).get("spawner");
        assertTrue(spawner != null, () -> "job '" + job.name() + "' was not handed to a spawner: " + handle(job));
        return Long.parseLong(spawner.substring(0, spawner.indexOf('/')));
    }

    /** @return the home's spawner socket, once there is one */
    private Path awaitSocket() {
        return JobTesting.waitFor(() -> {
            try (Stream<Path> files = Files.list(home.resolve("local"))) {
                return files.filter(f -> f.getFileName().toString().endsWith(".sock")).findFirst()
                        .filter(socket -> !Files.exists(Path.of(socket.toString().replace(".sock", ".starting"))));
            } catch (IOException e) {
                return Optional.empty();
            }
        }, GENEROUS, () -> "a spawner listening in " + home.resolve("local"));
    }

    /** Persists a first job, which its submitter starts, and waits for the spawner that it starts in turn. */
    private Path startSpawner() {
        Job<String> first = jobs.persist("first", local(), () -> "first");
        assertTrue(handle(first).containsKey("pid"), "with no spawner yet, the submitter starts the job: " + handle(first));
        Path socket = awaitSocket();
        assertEquals("first", first.fetch());
        return socket;
    }

    private void awaitDeath(long pid) {
        LocalTestSupport.waitFor(() -> processes.stat(pid).filter(s -> !s.isZombie()).isEmpty(), GENEROUS,
                "process " + pid + " to exit");
    }

    /**
     * Waits until nobody listens on the socket. A killed JVM's main thread can be a zombie while
     * its other threads, still exiting, keep the socket open and a connection lands in its backlog.
     */
    private static void awaitNoListener(Path socket) {
        LocalTestSupport.waitFor(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return false;
            } catch (IOException refused) {
                return true;
            }
        }, GENEROUS, "no listener on " + socket);
    }

    @Test
    void theFirstJobStartsASpawnerWhichStartsTheJobsAfterIt() throws IOException {
        startSpawner();
        Job<Integer> second = jobs.persist("second", local(), () -> 6 * 7);

        assertFalse(handle(second).containsKey("pid"), "the submitter did not start it: " + handle(second));
        long spawner = spawnerPid(second);
        assertEquals(42, second.fetch());
        Session session = Session.read(second.directory().resolve(Session.FILE)).orElseThrow();
        assertTrue(session.isStarted(), session::toString);
        assertEquals(JobStatus.DONE, second.status());
        JobTesting.assertMentions(second.info(), "handed to the local spawner (pid " + spawner + ")");
    }

    @Test
    void aJobHandedToTheSpawnerSurvivesSigkillOfItsSubmitterAtOnce() {
        startSpawner();
        try (ChildJvm submitter = ChildJvm.start(List.of(), scratch, Map.of(), tmp.resolve("submitter.stderr"),
                SubmitterMain.class, "linger", home.toString(), "killed")) {
            submitter.awaitLine(GENEROUS, "SUBMITTED");
            submitter.process().destroyForcibly();
            assertEquals(137, submitter.awaitExit(GENEROUS), "the submitter died of SIGKILL");
        }
        Job<?> job = jobs.open("killed");
        spawnerPid(job);
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("survived", job.fetch());
    }

    @Test
    void aKilledSpawnerIsReplacedAndSubmittersStartJobsThemselvesMeanwhile() {
        Path socket = startSpawner();
        Job<String> handed = jobs.persist("handed", local(), () -> "handed");
        long killed = spawnerPid(handed);
        assertEquals("handed", handed.fetch());
        LocalTestSupport.run("kill", "-KILL", Long.toString(killed));
        awaitDeath(killed);
        awaitNoListener(socket);

        Job<String> direct = jobs.persist("direct", local(), () -> "direct");
        assertTrue(handle(direct).containsKey("pid"), "with its spawner dead, the submitter starts the job: " + handle(direct));
        assertEquals("direct", direct.fetch());
        awaitSocket();
        Job<String> again = JobTesting.waitFor(() -> {
            Job<String> job = jobs.persist("again-" + System.nanoTime(), local(), () -> "again");
            return handle(job).containsKey("spawner") ? Optional.of(job) : Optional.empty();
        }, GENEROUS, () -> "a job handed to a new spawner");
        assertNotEquals(killed, spawnerPid(again));
        assertEquals("again", again.fetch());
    }

    @Test
    void theSpawnerStopsWhenItsSocketIsRemoved() throws IOException {
        Path socket = startSpawner();
        Job<String> handed = jobs.persist("handed", local(), () -> "handed");
        long spawner = spawnerPid(handed);
        assertEquals("handed", handed.fetch());

        Files.delete(socket);

        awaitDeath(spawner);
    }

    /**
     * Starts a spawner by hand, in {@code workDir}, with its files {@code s.sock}, {@code s.lock},
     * {@code s.pid} and {@code s.starting} in {@code filesDir}.
     */
    private static ChildJvm spawnerJvm(Path workDir, Path filesDir, Path log, int idleSeconds) {
        return ChildJvm.start(List.of(), workDir, Map.of(), log, LocalSpawner.class, filesDir.resolve("s.sock").toString(),
                filesDir.resolve("s.lock").toString(), filesDir.resolve("s.pid").toString(),
                filesDir.resolve("s.starting").toString(), Integer.toString(idleSeconds));
    }

    @Test
    void theSpawnerStopsWhenIdleAndSaysWhy() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("spawner"));
        Path log = dir.resolve("log");
        Files.createFile(dir.resolve("s.starting"));
        try (ChildJvm spawner = spawnerJvm(dir, dir, log, 1)) {
            assertEquals(0, spawner.awaitExit(GENEROUS), spawner::describe);
        }
        JobTesting.assertMentions(Files.readString(log), "stopping: idle for 1 s");
        assertFalse(Files.exists(dir.resolve("s.sock")), "it removed its socket");
        assertFalse(Files.exists(dir.resolve("s.starting")), "it removed its starter's marker");
    }

    @Test
    void aSpawnerThatCannotTakeTheLockExitsAndClearsItsStartersMarkerSoThatAnotherCanStart() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("spawner"));
        Path log = dir.resolve("log");
        Files.createFile(dir.resolve("s.starting"));
        try (FileChannel held = FileChannel.open(dir.resolve("s.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = held.lock();
                ChildJvm spawner = spawnerJvm(dir, dir, log, 600)) {
            assertEquals(0, spawner.awaitExit(GENEROUS), spawner::describe);
        }
        JobTesting.assertMentions(Files.readString(log), "another spawner serves");
        assertFalse(Files.exists(dir.resolve("s.starting")), "its starter's marker is gone: the next submitter may start one");
        assertFalse(Files.exists(dir.resolve("s.sock")), "it made no socket");
    }

    @Test
    void aSpawnerWhoseStartersMarkerIsGoneMakesNoFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("removed-home"));
        try (ChildJvm spawner = spawnerJvm(tmp, dir, tmp.resolve("spawner.log"), 600)) {
            assertEquals(0, spawner.awaitExit(GENEROUS), spawner::describe);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "a home removed while the spawner started gets no files from it");
        }
    }

    @Test
    void aProcessTheSpawnerCannotStartIsRecordedAsAFailureAndItsTicketWithdrawn() throws IOException {
        startSpawner();
        Path jobDir = Files.createDirectory(tmp.resolve("job"));
        Path ticket = Files.createFile(tmp.resolve("ticket.wait"));
        Path session = jobDir.resolve(Session.FILE);
        SpawnRequest request = new SpawnRequest(List.of("true"), tmp.resolve("no such directory"), Map.of(),
                jobDir.resolve("stdout"), jobDir.resolve("stderr"), session, ticket);

        assertTrue(new SpawnerClient().offer(home, request).isPresent(), "the spawner took it");

        JobTesting.awaitFile(session, GENEROUS);
        Session failed = Session.read(session).orElseThrow();
        assertFalse(failed.isStarted());
        JobTesting.assertMentions(failed.failure(), "no such directory");
        assertFalse(Files.exists(ticket), "the ticket was withdrawn, so no job waits for it");
    }

    /** A request for {@code true} that records its session in {@code session}. */
    private SpawnRequest trueRecordedIn(Path session) {
        return new SpawnRequest(List.of("true"), tmp, Map.of(), tmp.resolve("out"), tmp.resolve("err"), session,
                tmp.resolve("ticket.wait"));
    }

    @Test
    void aHandOverCutShortStartsNothingAndTheSpawnerServesOn() throws IOException {
        Path socket = startSpawner();
        Path cutShort = tmp.resolve("cut-short.session");
        byte[] message = SpawnerClient.message(trueRecordedIn(cutShort));
        byte[] noEnd = Arrays.copyOf(message, message.length - 1); // all but the end mark
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(noEnd));
        }
        Path whole = tmp.resolve("whole.session");
        assertTrue(new SpawnerClient().offer(home, trueRecordedIn(whole)).isPresent(), "the spawner took it");

        JobTesting.awaitFile(whole, GENEROUS);
        assertTrue(Session.read(whole).orElseThrow().isStarted());
        assertFalse(Files.exists(cutShort), "a request without its end started nothing");
        JobTesting.assertMentions(Files.readString(spawnerLog()), "refused a request without its end");
    }

    private Path spawnerLog() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("local"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    @Test
    void aRequestOfAnotherProtocolIsRefusedAndTheSpawnerServesOn() throws IOException {
        Path socket = startSpawner();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
            out.writeInt(LocalSpawner.PROTOCOL + 1);
            out.writeUTF("something else");
            out.flush();
            assertEquals(-1, channel.read(ByteBuffer.allocate(1)), "the spawner closed the connection without answering");
        }
        Job<String> next = jobs.persist("next", local(), () -> "next");
        spawnerPid(next);
        assertEquals("next", next.fetch());
    }

    /**
     * The socket's directory is private, so another user cannot reach it; should that fail (a
     * home made readable by hand), the spawner still refuses them. Run as root, which can become
     * another user ({@code setpriv}); the other user's client is a Java source file.
     */
    @Test
    void aConnectionFromAnotherUserIsRefusedAndStartsNothing() throws Exception {
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "only root can connect as another user");
        Path socket = startSpawner();
        Path refused = tmp.resolve("refused.session");
        Path client = Files.createDirectory(tmp.resolve("client"));
        Files.write(client.resolve("request"), SpawnerClient.message(trueRecordedIn(refused)));
        Files.writeString(client.resolve("Client.java"), """
                import java.net.StandardProtocolFamily;
                import java.net.UnixDomainSocketAddress;
                import java.nio.ByteBuffer;
                import java.nio.channels.SocketChannel;
                import java.nio.file.Files;
                import java.nio.file.Path;

                public class Client {
                    public static void main(String[] args) throws Exception {
                        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                            channel.connect(UnixDomainSocketAddress.of(args[0]));
                            channel.write(ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))));
                            int read;
                            try {
                                read = channel.read(ByteBuffer.allocate(1));
                            } catch (java.net.SocketException e) {
                                read = -1; // reset: closed with the request unread
                            }
                            System.out.println("read " + read);
                        }
                    }
                }
                """);
        List<Path> opened = List.of(tmp, home, socket.getParent(), client);
        for (Path dir : opened) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        Process nobody;
        try {
            nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    client.resolve("Client.java").toString(), socket.toString(), client.resolve("request").toString())
                    .redirectErrorStream(true).start();
            assertTrue(nobody.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS), "the other user's client ended");
        } finally {
            for (Path dir : opened) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        String said = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("read -1\n", said, "it connected, and the spawner closed the connection without answering");
        JobTesting.assertMentions(Files.readString(spawnerLog()), "refused a connection from user nobody");
        Job<String> next = jobs.persist("next", local(), () -> "next");
        spawnerPid(next);
        assertEquals("next", next.fetch());
        assertFalse(Files.exists(refused), "the refused request started nothing");
    }

    @Test
    void noSecondSpawnerIsStartedWhileTheOneItsIdentityNamesIsAlive() throws IOException {
        Path socket = startSpawner();
        Path starting = Path.of(socket.toString().replace(".sock", ".starting"));

        new SpawnerClient().start(home);

        assertFalse(Files.exists(starting), "the spawner runs, as its identity and /proc say: none is started");
        Job<String> next = jobs.persist("next", local(), () -> "next");
        spawnerPid(next);
        assertEquals("next", next.fetch());
    }

    @Test
    void submittersOfAnotherContextDoNotUseThisSpawner() throws IOException {
        startSpawner();
        assertEquals(Optional.empty(), new SpawnerClient("0123456789abcdef").offer(home, trueRecordedIn(tmp.resolve(Session.FILE))));
        assertNull(Session.read(tmp.resolve(Session.FILE)).orElse(null), "nothing was started");
    }

    @Test
    void gcDeletesTheFilesOfSpawnersThatStoppedADayAgoAndKeepsThoseOfOneThatRunsOrStoppedLately() throws IOException {
        Path socket = startSpawner();
        Path local = socket.getParent();
        String running = socket.getFileName().toString().replace(".sock", "");
        FileTime longAgo = FileTime.from(Instant.now().minus(SpawnerClient.STOPPED_KEPT).minus(Duration.ofHours(1)));
        List<Path> runningFiles;
        try (Stream<Path> files = Files.list(local)) {
            runningFiles = files.filter(f -> f.getFileName().toString().startsWith(running)).toList();
        }
        assertTrue(runningFiles.contains(local.resolve(running + ".lock")), () -> "its lock among " + runningFiles);
        for (Path file : runningFiles) {
            Files.setLastModifiedTime(file, longAgo); // long idle, yet running
        }
        List<Path> stopped = Stream.of(".lock", ".pid", ".log", ".sock")
                .map(suffix -> local.resolve("spawner-00000000000000a1" + suffix)).toList();
        Path recentLog = local.resolve("spawner-00000000000000b2.log");
        Path recentLock = local.resolve("spawner-00000000000000b2.lock");
        for (Path file : Stream.concat(stopped.stream(), Stream.of(recentLog, recentLock)).toList()) {
            Files.writeString(file, "x");
            Files.setLastModifiedTime(file, longAgo);
        }
        Files.setLastModifiedTime(recentLog, FileTime.from(Instant.now())); // it stopped lately

        jobs.gc();

        for (Path file : stopped) {
            assertFalse(Files.exists(file), () -> file + " of a spawner that stopped a day ago is deleted");
        }
        for (Path file : Stream.concat(runningFiles.stream(), Stream.of(recentLog, recentLock)).toList()) {
            assertTrue(Files.exists(file), () -> file + " stays");
        }
        assertTrue(Files.isDirectory(local.resolve("queue")), "the queue stays");
        Job<String> after = jobs.persist("after", local(), () -> "after");
        assertTrue(handle(after).containsKey("spawner"), () -> "the running spawner still serves: " + handle(after));
        assertEquals("after", after.fetch());
    }

    @Test
    void cancelStopsTheSessionOfAJobHandedToTheSpawner() {
        startSpawner();
        Job<String> job = jobs.persist("long", local(), pidThenSleep(scratchFile("pid"), Duration.ofMinutes(5)));
        spawnerPid(job);
        long runner = LocalTestSupport.awaitPid(scratch.resolve("pid"));
        long session = LocalTestSupport.jobSession(job);

        job.cancel();

        assertEquals(JobStatus.CANCELLED, job.await(GENEROUS), job::info);
        awaitDeath(runner);
        assertEquals(List.of(), LocalTestSupport.sessionMembers(session));
    }
}
