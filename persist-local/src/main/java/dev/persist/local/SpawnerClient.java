package dev.persist.local;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A submitter's side of the {@link LocalSpawner}: hands a job's process over to the spawner of
 * this home and context, and starts that spawner when there is none.
 *
 * <p>A spawner is shared only by submitters that would start a job with the same process context:
 * the same user and groups, umask, resource limits, CPU and memory affinity, capabilities, cgroup
 * and namespaces, as read from {@code /proc/self}, and the same persist-local code. Its files in
 * {@code <home>/local/} are named after a hash of that context: {@code spawner-HASH.sock},
 * {@code .lock}, {@code .starting} (while one starts) and {@code .log} (its messages).
 */
final class SpawnerClient {

    /** How long a submitter waits for the spawner's answer before it starts the job itself. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** A start marker older than this belongs to a spawner that never came up. */
    private static final Duration STARTING_STALE = Duration.ofSeconds(30);
    /** Unix domain socket paths are limited to 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 107;
    /** Environment variables that would change the spawner's own JVM. */
    private static final List<String> JVM_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "CLASSPATH");

    private final String context;

    SpawnerClient() {
        this(Context.KEY);
    }

    /** @param context the hash naming this submitter's spawner, or null to never use one */
    SpawnerClient(String context) {
        this.context = context;
    }

    /** The files of one home's spawner for this context. */
    private record SpawnerFiles(Path socket, Path lock, Path starting, Path log) {
    }

    private Optional<SpawnerFiles> files(Path home) {
        if (context == null) {
            return Optional.empty();
        }
        Path dir = home.toAbsolutePath().resolve("local");
        Path socket = dir.resolve("spawner-" + context + ".sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            return Optional.empty();
        }
        return Optional.of(new SpawnerFiles(socket, dir.resolve("spawner-" + context + ".lock"),
                dir.resolve("spawner-" + context + ".starting"), dir.resolve("spawner-" + context + ".log")));
    }

    /**
     * Offers a process to the home's spawner.
     *
     * @param home the Persist home
     * @param request the process to start
     * @return the spawner's {@code PID/START_TICKS} if it took the request and will start the
     *     process; empty if the caller must start it (no spawner, or it did not answer in time)
     */
    Optional<String> offer(Path home, SpawnRequest request) {
        Optional<SpawnerFiles> files = files(home);
        if (files.isEmpty() || !Files.exists(files.get().socket())) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(files.get().socket()));
        } catch (IOException e) {
            return Optional.empty(); // nobody listens: a spawner that stopped
        }
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            out.writeInt(LocalSpawner.PROTOCOL);
            request.write(out);
            out.flush();
            ByteBuffer answer = readAnswer(channel);
            if (answer == null || answer.get() != LocalSpawner.ACCEPTED) {
                return Optional.empty();
            }
            String spawner = answer.getLong() + "/" + answer.getLong();
            // Once go is in the socket, the job is the spawner's: it must not be started here too.
            if (channel.write(ByteBuffer.wrap(new byte[] {LocalSpawner.GO})) != 1) {
                return Optional.empty();
            }
            return Optional.of(spawner);
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // the answer, whatever it was, stands
            }
        }
    }

    /** @return the spawner's answer (a byte and two longs), or null if it did not come in time */
    private static ByteBuffer readAnswer(SocketChannel channel) throws IOException {
        ByteBuffer answer = ByteBuffer.allocate(1 + 2 * Long.BYTES);
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (answer.hasRemaining()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (channel.read(answer) < 0) {
                    return null;
                }
            }
        }
        return answer.flip();
    }

    /**
     * Starts the home's spawner for this context in the background, unless one runs or is starting.
     * A spawner that cannot be started only means that submitters go on starting jobs themselves:
     * what went wrong is appended to its log, never thrown.
     *
     * @param home the Persist home
     */
    void start(Path home) {
        Optional<SpawnerFiles> found = files(home);
        Optional<Path> classpath = Context.CLASSPATH;
        if (found.isEmpty() || classpath.isEmpty()) {
            return;
        }
        SpawnerFiles files = found.get();
        try {
            if (isLocked(files.lock()) || !claimStart(files.starting())) {
                return;
            }
            List<String> command = new ArrayList<>(List.of("setsid",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+IgnoreUnrecognizedVMOptions", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:-UsePerfData",
                    "-cp", classpath.get().toString(), LocalSpawner.class.getName(),
                    files.socket().toString(), files.lock().toString(), files.starting().toString(),
                    Long.toString(LocalSpawner.IDLE.toSeconds())));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(files.socket().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                    .redirectErrorStream(true);
            Map<String, String> environment = builder.environment();
            JVM_VARIABLES.forEach(environment::remove);
            try {
                builder.start();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(files.starting());
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            try (PrintStream log = new PrintStream(Files.newOutputStream(files.log(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
                log.println(Instant.now() + " persist submitter " + ProcessHandle.current().pid()
                        + ": cannot start the spawner: " + e);
            } catch (IOException logError) {
                // nowhere left to report it; submitters start their jobs themselves
            }
        }
    }

    /** @return whether a spawner holds the lock (it runs) */
    private static boolean isLocked(Path lock) throws IOException {
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = channel.tryLock()) {
            return held == null;
        }
    }

    /** @return whether this submitter may start the spawner: no other one is starting it */
    private static boolean claimStart(Path starting) throws IOException {
        try {
            Files.createFile(starting);
            return true;
        } catch (FileAlreadyExistsException e) {
            FileTime since = Files.getLastModifiedTime(starting);
            if (Duration.between(since.toInstant(), Instant.now()).compareTo(STARTING_STALE) < 0) {
                return false;
            }
            Files.setLastModifiedTime(starting, FileTime.from(Instant.now()));
            return true;
        }
    }

    /** What this JVM's spawners are keyed by and started from, computed once. */
    private static final class Context {

        /** Where persist-local's classes are, if they are in a directory or jar the spawner's JVM can use. */
        static final Optional<Path> CLASSPATH = classpath();
        /** The hash of this JVM's process context and persist-local's code, or null if it cannot be read. */
        static final String KEY = key();

        private static Optional<Path> classpath() {
            CodeSource source = LocalSpawner.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                return Optional.empty();
            }
            try {
                return Optional.of(Path.of(source.getLocation().toURI()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        private static String key() {
            if (CLASSPATH.isEmpty()) {
                return null;
            }
            StringBuilder context = new StringBuilder();
            context.append(LocalSpawner.PROTOCOL).append('\n').append(CLASSPATH.get()).append('\n')
                    .append(System.getProperty("java.home")).append('\n')
                    .append(System.getProperty("sun.jnu.encoding")).append('\n');
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:")
                            || line.startsWith("Umask:") || line.startsWith("Cap") || line.startsWith("NoNewPrivs:")
                            || line.startsWith("Seccomp:") || line.startsWith("Cpus_allowed_list:")
                            || line.startsWith("Mems_allowed_list:")) {
                        context.append(line).append('\n');
                    }
                }
                context.append(Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.ISO_8859_1));
                context.append(Files.readString(Path.of("/proc/self/limits"), StandardCharsets.ISO_8859_1));
                for (String namespace : List.of("mnt", "pid", "net", "user", "ipc", "uts", "cgroup")) {
                    Path link = Path.of("/proc/self/ns", namespace);
                    if (Files.exists(link)) {
                        context.append(Files.readSymbolicLink(link)).append('\n');
                    }
                }
                // The nice value: field 19 of /proc/self/stat, counted after the command name's ')'.
                String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.ISO_8859_1);
                context.append(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]).append('\n');
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return hash(context.toString());
        }

        /** 64-bit FNV-1a, in hex: names files, and only this user can make them. */
        private static String hash(String text) {
            long hash = 0xcbf29ce484222325L;
            for (int i = 0; i < text.length(); i++) {
                hash ^= text.charAt(i);
                hash *= 0x100000001b3L;
            }
            return String.format("%016x", hash);
        }
    }
}
