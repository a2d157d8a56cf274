package dev.persist.local;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
 * waiting for a process to start, nor for the spawner.
 *
 * <p>It listens on a Unix domain socket in {@code <home>/local/} (mode 0700), serves only its own
 * user (checked with {@code SO_PEERCRED}), and holds a lock so that one spawner serves one socket;
 * before it listens it writes its pid and start time next to the socket ({@code .pid}), which
 * submitters record in the handles of the jobs they hand over. A hand-over is one message: the
 * protocol version, a {@link SpawnRequest} and {@link #END}, written by the submitter in one
 * non-blocking write. The spawner starts the process only once it has read all of it, and records
 * what it started (or why it could not) in the job's {@link Session} file. A submitter that cannot
 * connect, or cannot write the whole message at once, starts the process itself: a job is started
 * exactly once. Once the message is written, the submitter may die at once. If the spawner dies
 * before it started the job, the job's status says so.
 *
 * <p>Every process it starts runs in its own session ({@code setsid}), as a direct start would;
 * the spawner itself runs with the resource limits, cgroup, namespaces and umask of the submitter
 * that started it, and submitters only use a spawner started from the same context (see
 * {@link SpawnerClient}). It stops after a time without requests ({@link #IDLE} when a submitter
 * starts it), or as soon as its socket is removed or replaced: it removes the socket first, then
 * serves the connections made before, so no hand-over is lost. The processes it started keep running.
 */
final class LocalSpawner {

    /** The version of the message; a submitter and a spawner of different versions never meet. */
    static final int PROTOCOL = 2;
    /** The last byte of a hand-over: a message cut short is never taken for a request. */
    static final byte END = 'E';
    /** How long a spawner stays without requests before it exits. */
    static final Duration IDLE = Duration.ofMinutes(10);
    private static final long CHECK_MILLIS = 2_000;
    /**
     * How long a starting spawner tries for the lock before it concludes that another spawner
     * serves: garbage collection holds a stopped spawner's lock for an instant.
     */
    static final Duration LOCK_PATIENCE = Duration.ofSeconds(1);
    private static final long LOCK_RETRY_MILLIS = 10;

    private final ServerSocketChannel server;
    private final Path socket;
    private final Duration idle;
    private final Object socketKey;
    private final UserPrincipal owner;
    private final ProcessTable processes = new ProcessTable();
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "persist-spawner-connection");
        thread.setDaemon(true);
        return thread;
    });
    private Instant lastRequest = Instant.now();

    private LocalSpawner(ServerSocketChannel server, Path socket, Duration idle) throws IOException {
        this.server = server;
        this.socket = socket;
        this.idle = idle;
        BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        this.socketKey = Objects.requireNonNull(attributes.fileKey(), "no file key for the socket");
        this.owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * @param args the socket to listen on, the lock file that makes this spawner the only one on
     *     it, the file to write its identity to, the marker its starter created (without which it
     *     makes no files and exits; it deletes it once it listens, or as it exits), and how many
     *     seconds it stays without requests
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 5) {
            System.err.println("usage: LocalSpawner SOCKET LOCK IDENTITY STARTING_MARKER IDLE_SECONDS");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        Path starting = Path.of(args[3]);
        Duration idle = Duration.ofSeconds(Long.parseLong(args[4]));
        if (!Files.exists(starting)) {
            return; // the home was removed while this JVM started: make no files in it
        }
        try (FileChannel lockChannel = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lock(lockChannel)) {
            if (lock == null) {
                log("another spawner serves " + socket);
                return;
            }
            ProcessTable.Stat self = new ProcessTable().stat(ProcessHandle.current().pid())
                    .orElseThrow(() -> new IOException("/proc/self/stat cannot be read"));
            new SpawnerIdentity(self.pid(), self.startTicks()).write(Path.of(args[2]));
            Files.deleteIfExists(socket);
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                LocalSpawner spawner = new LocalSpawner(server, socket, idle);
                Files.deleteIfExists(starting);
                log("listening on " + socket);
                spawner.serve();
            }
        } finally {
            // Whatever became of this spawner (serving, not needed, or failed), none is starting any more,
            // so that the next submitter may start one.
            Files.deleteIfExists(starting);
        }
    }

    /**
     * @return the lock, or null if another spawner holds it; tries again for {@link #LOCK_PATIENCE}
     */
    private static FileLock lock(FileChannel channel) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LOCK_PATIENCE.toNanos();
        FileLock lock = channel.tryLock();
        while (lock == null && System.nanoTime() < deadline) {
            Thread.sleep(LOCK_RETRY_MILLIS);
            lock = channel.tryLock();
        }
        return lock;
    }

    private void serve() throws IOException, InterruptedException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                selector.select(CHECK_MILLIS);
                selector.selectedKeys().clear();
                if (acceptPending()) {
                    lastRequest = Instant.now();
                }
                String stop = !isOurSocket() ? "the socket was removed"
                        : Duration.between(lastRequest, Instant.now()).compareTo(idle) >= 0 ? "idle for " + idle.toSeconds() + " s"
                        : null;
                if (stop != null) {
                    deleteSocketIfOurs(); // no connection from here on
                    acceptPending(); // those made before
                    log("stopping: " + stop);
                    break;
                }
            }
        } finally {
            connections.shutdown();
            // Let the hand-overs under way finish and their processes start.
            connections.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** @return whether there were connections waiting; each is served on a thread of its own */
    private boolean acceptPending() throws IOException {
        boolean accepted = false;
        for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
            channel.configureBlocking(true);
            SocketChannel connection = channel;
            connections.execute(() -> serve(connection));
            accepted = true;
        }
        return accepted;
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
            if (in.read() != END) {
                log("refused a request without its end");
                return;
            }
        } catch (IOException | RuntimeException e) {
            log("a hand-over was cut short or invalid, and started nothing: " + e);
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
