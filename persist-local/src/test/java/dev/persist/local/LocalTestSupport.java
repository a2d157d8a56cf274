package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.core.JobDir;
import dev.persist.core.JobRecord;
import dev.persist.core.JobTesting;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Helpers shared by the end-to-end tests of the local backend. Some of them (those taking
 * {@code String} paths) run inside jobs, in the runner JVM, so they must not need JUnit there.
 */
final class LocalTestSupport {

    private static final Duration POLL = Duration.ofMillis(50);

    private LocalTestSupport() {
    }

    // ---- waiting -------------------------------------------------------------------------

    /** Polls until the condition holds; fails naming {@code what} when the deadline passes. */
    static void waitFor(BooleanSupplier condition, Duration timeout, String what) {
        JobTesting.waitFor(() -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), timeout, () -> what);
    }

    /** Waits until the job's status is terminal, asking {@code status()} (not {@code await()}). */
    static JobStatus waitForTerminal(Job<?> job, Duration timeout) {
        return JobTesting.waitFor(() -> Optional.of(job.status()).filter(JobStatus::isTerminal), timeout,
                () -> "job '" + job.name() + "' to reach a terminal status; info:\n" + job.info());
    }

    static long awaitPid(Path file) {
        return Long.parseLong(JobTesting.awaitFile(file, Duration.ofSeconds(30)));
    }

    // ---- called from inside tasks (runner JVM) -------------------------------------------

    /** Records the current time in milliseconds since the epoch (comparable across JVMs). */
    static void writeNow(String file) throws IOException {
        JobTesting.writeAtomically(file, Long.toString(System.currentTimeMillis()));
    }

    /** Records the pid of the calling JVM. */
    static void writeOwnPid(String file) throws IOException {
        JobTesting.writeAtomically(file, Long.toString(ProcessHandle.current().pid()));
    }

    // ---- processes -----------------------------------------------------------------------

    private static final ProcessTable PROCESSES = new ProcessTable();

    /** A process identity: pid plus start time in ticks (field 22), so a reused pid is not it. */
    record ProcessId(long pid, long startTicks) {
        static ProcessId of(long pid) {
            return new ProcessId(pid, stat(pid).startTicks());
        }

        /** Alive: exists, not a zombie, same start time. */
        boolean isAlive() {
            return PROCESSES.isAlive(pid, startTicks);
        }

        long processGroup() {
            return stat(pid).processGroup();
        }

        private static ProcessTable.Stat stat(long pid) {
            return PROCESSES.stat(pid).orElseThrow(() -> new AssertionError("process " + pid + " is not running"));
        }
    }

    /** The live (non-zombie) processes of a session. */
    static List<Long> sessionMembers(long session) {
        try {
            return PROCESSES.sessionMembers(session).stream().map(ProcessTable.Stat::pid).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The session (= process group) the local backend recorded for a job: in its job.json when
     * the submitter started it, else in the session file the spawner writes, waited for.
     */
    static long jobSession(Job<?> job) {
        try {
            String json = Files.readString(job.directory().resolve(JobDir.JOB_JSON));
            String pid = JobRecord.fromJson(json).handle().get("pid");
            if (pid != null) {
                return Long.parseLong(pid);
            }
            Path file = job.directory().resolve(Session.FILE);
            JobTesting.awaitFile(file, Duration.ofSeconds(30));
            return Session.read(file).orElseThrow().pid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a signal (a name such as "KILL") to a process group, never the test JVM's own. */
    static void signalProcessGroup(long pgid, String signal) {
        assertForeignProcessGroup(pgid);
        run("kill", "-" + signal, "--", "-" + pgid);
    }

    private static void startDaemon(Runnable runnable) {
        Thread thread = new Thread(runnable, "child-jvm-stdout");
        thread.setDaemon(true);
        thread.start();
    }

    /** Refuses to signal a process group that contains this test JVM (or init). */
    static void assertForeignProcessGroup(long pgid) {
        assertTrue(pgid > 1, "process group " + pgid);
        assertNotEquals(ProcessId.of(ProcessHandle.current().pid()).processGroup(), pgid,
                "refusing to signal the test JVM's own process group");
    }

    /** Runs a short command (argv, no shell) and asserts it exits 0 within 30 seconds. */
    static void run(String... command) {
        runForOutput(List.of(command), Path.of("").toAbsolutePath(), Duration.ofSeconds(30));
    }

    /**
     * Runs a command (argv, no shell) in a directory with standard input from /dev/null, asserts
     * it exits 0 within the timeout, and returns what it wrote to standard output and error.
     */
    static String runForOutput(List<String> command, Path directory, Duration timeout) {
        String what = String.join(" ", command);
        try {
            Path output = Files.createTempFile("persist-test-run", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    fail(what + " did not finish within " + timeout.toSeconds() + " s: " + readQuietly(output));
                }
                assertEquals(0, p.exitValue(), () -> what + " failed: " + readQuietly(output));
                return Files.readString(output);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The rest of the first line of {@code output} that starts with {@code prefix}. */
    static String lineAfter(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseGet(() -> fail("no line starting with '" + prefix + "' in:\n" + output));
    }

    /**
     * Compiles Java sources (by binary class name) into a directory, against this JVM's class
     * path; the sources go to a sibling directory named {@code <classes>-src}.
     */
    static void compile(Path classes, Map<String, String> sources) throws IOException {
        Path src = classes.resolveSibling(classes.getFileName() + "-src");
        List<String> arguments = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), "-proc:none", "-Xlint:none"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new)),
                "test sources compile");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    static boolean runningAsRoot(Path someFileOfOurs) {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(someFileOfOurs, "unix:uid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JVM started with this JVM's class path, running {@code mainClass}: standard output is read
     * line by line, standard error goes to a file shown in failure messages.
     */
    static final class ChildJvm implements AutoCloseable {
        private final Process process;
        private final BufferedReader stdout;
        private final Path stderr;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        private ChildJvm(Process process, Path stderr) {
            this.process = process;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.stderr = stderr;
        }

        /**
         * @param prefix commands put before {@code java}, such as {@code setsid}; may be empty
         * @param directory the working directory
         * @param environment extra environment variables
         * @param stderr the file receiving standard error
         */
        static ChildJvm start(List<String> prefix, Path directory, Map<String, String> environment, Path stderr,
                Class<?> mainClass, String... args) {
            List<String> command = new ArrayList<>(prefix);
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass.getName());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            try {
                return new ChildJvm(builder.start(), stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Process process() {
            return process;
        }

        /** Reads standard output until a line starting with one of the prefixes; returns that line. */
        String awaitLine(Duration timeout, String... prefixes) {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l = stdout.readLine(); l != null; l = stdout.readLine()) {
                        lines.add(l);
                        for (String prefix : prefixes) {
                            if (l.startsWith(prefix)) {
                                return l;
                            }
                        }
                    }
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, LocalTestSupport::startDaemon);
            try {
                String found = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (found == null) {
                    fail("child JVM ended without printing " + List.of(prefixes) + "; " + describe());
                }
                return found;
            } catch (TimeoutException e) {
                process.destroyForcibly();
                return fail("child JVM printed no line starting with " + List.of(prefixes) + " within "
                        + timeout.toMillis() + " ms; " + describe());
            } catch (ExecutionException e) {
                throw new AssertionError(describe(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Waits for the JVM to exit and returns its exit code. */
        int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("child JVM " + process.pid() + " still running after " + timeout.toMillis() + " ms; " + describe());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        String describe() {
            String err;
            try {
                err = Files.readString(stderr);
            } catch (IOException e) {
                err = "(stderr unreadable: " + e + ")";
            }
            return "stdout so far: " + lines + "; stderr: " + err;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    // ---- assertions ----------------------------------------------------------------------

    /** The one file with this name anywhere in the job's directory. */
    static Path findInJobDirectory(Job<?> job, String fileName) {
        try (Stream<Path> files = Files.walk(job.directory())) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(fileName)).toList();
            assertEquals(1, found.size(), "files named " + fileName + " in " + job.directory() + ": " + found);
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
