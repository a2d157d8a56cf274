package dev.persist.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The local backend's spawner: a small detached JVM that starts jobs' processes for the JVMs that
 * submit them, so that {@code persist()} returns once the job is written and handed over, without
 * waiting for a process to start.
 *
 * <p>It listens on a Unix domain socket in {@code <home>/local/} (mode 0700), serves only its own
 * user (checked with {@code SO_PEERCRED}), and holds a lock so that one spawner serves one socket. A
 * submission is a three-way handshake: the submitter sends a {@link SpawnRequest}; the spawner
 * answers with its pid and start time; the submitter says go. Only then does the spawner start the
 * process, and it records what it started (or why it could not) in the job's {@link Session} file.
 * A submitter that gets no answer, or cannot say go, starts the process itself: a job is started
 * exactly once. A submitter that said go may die at once: the job no longer depends on it.
 *
 * <p>Every process it starts runs in its own session ({@code setsid}), as a direct start would;
 * the spawner itself runs with the resource limits, cgroup, namespaces and umask of the submitter
 * that started it, and submitters only use a spawner started from the same context (see
 * {@link SpawnerClient}). It exits after a time without requests ({@link #IDLE} when a submitter starts it), or as soon as its socket
 * is removed or replaced; the processes it started keep running.
 */
final class LocalSpawner {

    /** The version of the handshake; a submitter and a spawner of different versions never meet. */
    static final int PROTOCOL = 1;
    static final byte ACCEPTED = 'A';
    static final byte GO = 'G';
    /** How long a spawner stays without requests before it exits. */
    static final Duration IDLE = Duration.ofMinutes(10);
    private static final long CHECK_MILLIS = 2_000;

    private final ServerSocketChannel server;
    private final Path socket;
    private final Duration idle;
    private final Object socketKey;
    private final UserPrincipal owner;
    private final ProcessTable processes = new ProcessTable();
    private final ProcessTable.Stat self;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "persist-spawner-connection");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Instant lastRequest = Instant.now();

    private LocalSpawner(ServerSocketChannel server, Path socket, Duration idle) throws IOException {
        this.server = server;
        this.socket = socket;
        this.idle = idle;
        BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        this.socketKey = Objects.requireNonNull(attributes.fileKey(), "no file key for the socket");
        this.owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
        this.self = processes.stat(ProcessHandle.current().pid())
                .orElseThrow(() -> new IOException("/proc/self/stat cannot be read"));
    }

    /**
     * @param args the socket to listen on, the lock file that makes this spawner the only one on
     *     it, the marker its starter created, which it deletes once it listens, and how many
     *     seconds it stays without requests
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: LocalSpawner SOCKET LOCK STARTING_MARKER IDLE_SECONDS");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        Path starting = Path.of(args[2]);
        Duration idle = Duration.ofSeconds(Long.parseLong(args[3]));
        try (FileChannel lockChannel = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                return; // another spawner serves this socket
            }
            Files.deleteIfExists(socket);
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                LocalSpawner spawner = new LocalSpawner(server, socket, idle);
                Files.deleteIfExists(starting);
                log("listening on " + socket);
                spawner.serve();
            } finally {
                Files.deleteIfExists(starting);
            }
        }
    }

    private void serve() throws InterruptedException {
        Thread watchdog = new Thread(this::closeWhenIdleOrReplaced, "persist-spawner-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            while (true) {
                SocketChannel channel = server.accept();
                lastRequest = Instant.now();
                connections.execute(() -> serve(channel));
            }
        } catch (AsynchronousCloseException e) {
            log("stopping: " + (isOurSocket() ? "idle for " + idle.toSeconds() + " s" : "the socket was removed"));
        } catch (IOException e) {
            log("stopping: " + e);
        } finally {
            deleteSocketIfOurs();
            connections.shutdown();
            // Let handshakes under way finish and their processes start.
            connections.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private void closeWhenIdleOrReplaced() {
        try {
            while (isOurSocket() && Duration.between(lastRequest, Instant.now()).compareTo(idle) < 0) {
                Thread.sleep(CHECK_MILLIS);
            }
            server.close();
        } catch (InterruptedException | IOException e) {
            log("watchdog: " + e);
        }
    }

    private boolean isOurSocket() {
        try {
            return socketKey.equals(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    private void deleteSocketIfOurs() {
        if (isOurSocket()) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log("cannot delete " + socket + ": " + e);
            }
        }
    }

    private void serve(SocketChannel channel) {
        SpawnRequest request;
        try (channel) {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) {
                log("refused a connection from user " + peer.user().getName());
                return;
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            int protocol = in.readInt();
            if (protocol != PROTOCOL) {
                log("refused a request of protocol " + protocol + " (this spawner speaks " + PROTOCOL + ")");
                return;
            }
            request = SpawnRequest.read(in);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            out.writeByte(ACCEPTED);
            out.writeLong(self.pid());
            out.writeLong(self.startTicks());
            out.flush();
            if (in.read() != GO) {
                return; // the submitter starts the job itself, or has gone
            }
        } catch (IOException | RuntimeException e) {
            log("a submission failed: " + e);
            return;
        }
        spawn(request);
    }

    private void spawn(SpawnRequest request) {
        Session session;
        try {
            Process process = request.processBuilder().start();
            // The start time is fixed at fork, before setsid and sh exec: read it while the pid is ours.
            long startTicks = processes.stat(process.pid()).map(ProcessTable.Stat::startTicks).orElse(-1L);
            session = Session.started(process.pid(), startTicks);
        } catch (IOException | RuntimeException e) {
            session = Session.failed(String.valueOf(e.getMessage()));
            try {
                Files.deleteIfExists(request.ticket());
            } catch (IOException ticketError) {
                log("cannot withdraw " + request.ticket() + ": " + ticketError);
            }
        }
        try {
            session.write(request.session());
        } catch (NoSuchFileException e) {
            log("the job directory of " + request.session() + " is gone");
        } catch (IOException e) {
            log("cannot record " + session + " in " + request.session() + ": " + e);
        }
    }

    private static void log(String message) {
        System.err.println(Instant.now() + " persist spawner " + ProcessHandle.current().pid() + ": " + message);
    }
}
