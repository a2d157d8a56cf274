package dev.persist.local;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * A submitter's side of the {@link LocalSpawner}: hands a job's process over to the spawner of
 * this home and context, and starts that spawner when there is none.
 *
 * <p>A spawner is shared only by submitters that would start a job with the same process context:
 * the same user and groups, umask, resource limits, CPU and memory affinity, capabilities, cgroup
 * and namespaces, as read from {@code /proc/self}, and the same persist-local code. Its files in
 * {@code <home>/local/} are named after a hash of that context: {@code spawner-HASH.sock},
 * {@code .lock}, {@code .pid} (its identity), {@code .starting} (while one starts) and
 * {@code .log} (its messages).
 */
final class SpawnerClient {

    /** What the names of a spawner's files start with. */
    private static final String PREFIX = "spawner-";
    /** How long the files of a spawner that stopped are kept: long enough to read its log. */
    static final Duration STOPPED_KEPT = Duration.ofDays(1);
    /** A start marker older than this belongs to a spawner that never came up. */
    private static final Duration STARTING_STALE = Duration.ofSeconds(30);
    /** The first JDK that deprecates the VFORK launch mechanism (JDK-8357179); the spawner uses it before that. */
    private static final int VFORK_DEPRECATED = 25;
    /** Unix domain socket paths are limited to 107 bytes on Linux. */
    private static final int MAX_SOCKET_PATH = 107;
    /** Environment variables that would change the spawner's own JVM. */
    private static final List<String> JVM_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "CLASSPATH");

    private final String context;
    private final ProcessTable processes = new ProcessTable();

    /** A client for this JVM's context, which is read from {@code /proc/self} when first needed (not to ask for a status). */
    SpawnerClient() {
        this(null);
    }

    /** @param context the hash naming this submitter's spawner, or null for this JVM's */
    SpawnerClient(String context) {
        this.context = context;
    }

    /** The files of one home's spawner for this context; {@code identity} holds its {@code PID/START_TICKS}. */
    private record SpawnerFiles(Path socket, Path lock, Path identity, Path starting, Path log) {

        /** @param prefix {@code spawner-HASH} in the home's {@code local} directory */
        static SpawnerFiles of(Path prefix) {
            String name = prefix.getFileName().toString();
            return new SpawnerFiles(prefix.resolveSibling(name + ".sock"), prefix.resolveSibling(name + ".lock"),
                    prefix.resolveSibling(name + ".pid"), prefix.resolveSibling(name + ".starting"),
                    prefix.resolveSibling(name + ".log"));
        }

        List<Path> all() {
            return List.of(socket, lock, identity, starting, log);
        }
    }

    private Optional<SpawnerFiles> files(Path home) {
        String key = context != null ? context : Context.KEY;
        if (key == null) {
            return Optional.empty(); // the context cannot be read: no spawner
        }
        SpawnerFiles files = SpawnerFiles.of(home.toAbsolutePath().resolve("local").resolve(PREFIX + key));
        if (files.socket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            return Optional.empty();
        }
        return Optional.of(files);
    }

    /**
     * Deletes the files of the home's spawners that stopped more than {@link #STOPPED_KEPT} ago:
     * those whose files (the log too) were all last modified before then and whose lock no spawner
     * holds. A spawner of that context that starts meanwhile either finds the lock held and exits,
     * or locks the deleted file and serves until the next spawner started replaces it (it takes
     * over the socket); jobs are started throughout, by a spawner or by their submitters.
     *
     * @param home the Persist home
     * @param now the time now
     * @throws IOException if the directory cannot be read or a file cannot be deleted
     */
    static void collectGarbage(Path home, Instant now) throws IOException {
        Path dir = home.resolve("local");
        if (!Files.isDirectory(dir)) {
            return;
        }
        Set<Path> prefixes = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int suffix = name.lastIndexOf('.');
                prefixes.add(entry.resolveSibling(suffix < 0 ? name : name.substring(0, suffix)));
            }
        }
        Instant stopped = now.minus(STOPPED_KEPT);
        for (Path prefix : prefixes) {
            SpawnerFiles files = SpawnerFiles.of(prefix);
            if (lastModified(files).isBefore(stopped)) {
                deleteUnlessRunning(files);
            }
        }
    }

    /** @return when the newest of a spawner's files was last modified */
    private static Instant lastModified(SpawnerFiles files) throws IOException {
        Instant newest = Instant.MIN;
        for (Path file : files.all()) {
            try {
                Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
                newest = modified.isAfter(newest) ? modified : newest;
            } catch (NoSuchFileException e) {
                // that one is not there
            }
        }
        return newest;
    }

    /** Deletes a spawner's files, holding its lock while it does, unless a spawner holds the lock. */
    private static void deleteUnlessRunning(SpawnerFiles files) throws IOException {
        try (FileChannel channel = FileChannel.open(files.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return; // its spawner runs
            }
            for (Path file : files.all()) {
                Files.deleteIfExists(file);
            }
        } catch (OverlappingFileLockException e) {
            // this JVM holds the lock: a spawner runs here
        }
    }

    /**
     * Hands a process over to the home's spawner, without waiting for it.
     *
     * @param home the Persist home
     * @param request the process to start
     * @return the spawner if the whole request was handed over, and the spawner will start the
     *     process; empty if the caller must start it (no spawner runs, or it is too far behind to
     *     take the request at once)
     */
    Optional<SpawnerIdentity> offer(Path home, SpawnRequest request) {
        Optional<SpawnerFiles> files = files(home);
        if (files.isEmpty() || !Files.exists(files.get().socket())) {
            return Optional.empty();
        }
        SpawnerIdentity spawner;
        ByteBuffer message;
        try {
            spawner = SpawnerIdentity.read(files.get().identity());
            message = ByteBuffer.wrap(message(request));
        } catch (IOException e) {
            return Optional.empty(); // no identity: a spawner that is not up yet, or not one
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            channel.configureBlocking(false);
            // Neither step waits: a spawner with a full backlog, or a message larger than the
            // socket's buffer, means starting the job here. A message cut short starts nothing there.
            if (!channel.connect(UnixDomainSocketAddress.of(files.get().socket()))) {
                return Optional.empty();
            }
            channel.write(message);
            return message.hasRemaining() ? Optional.empty() : Optional.of(spawner);
        } catch (IOException e) {
            return Optional.empty(); // nobody listens: a spawner that stopped
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // the hand-over, whatever became of it, stands
            }
        }
    }

    /** @return the message that hands a request over: the protocol's version, the request, the end mark */
    static byte[] message(SpawnRequest request) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(LocalSpawner.PROTOCOL);
        request.write(out);
        out.writeByte(LocalSpawner.END);
        return bytes.toByteArray();
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
            if (runs(files.identity()) || !claimStart(files.starting())) {
                return;
            }
            List<String> command = new ArrayList<>(List.of("setsid",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+IgnoreUnrecognizedVMOptions", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:-UsePerfData"));
            if (Runtime.version().feature() < VFORK_DEPRECATED) {
                // vfork then exec: about 2 ms here, against 7.5 for the default posix_spawn of jspawnhelper, which execs again.
                command.add("-Djdk.lang.Process.launchMechanism=VFORK");
            }
            command.addAll(List.of("-cp", classpath.get().toString(), LocalSpawner.class.getName(),
                    files.socket().toString(), files.lock().toString(), files.identity().toString(),
                    files.starting().toString(),
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

    /**
     * @return whether the spawner that its identity file names is alive: asked of {@code /proc},
     *     not of the spawner's lock, which trying would hold for an instant, when a starting
     *     spawner may be taking it
     */
    private boolean runs(Path identity) {
        try {
            SpawnerIdentity spawner = SpawnerIdentity.read(identity);
            return processes.isAlive(spawner.pid(), spawner.startTicks());
        } catch (IOException e) {
            return false; // none has run, or its identity is not what a spawner writes
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
