package dev.persist.local;

import static dev.persist.local.LocalTestSupport.lineAfter;
import static dev.persist.local.LocalTestSupport.runForOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobFailedException;
import dev.persist.JobStatus;
import dev.persist.PersistException;
import dev.persist.RemoteException;
import dev.persist.core.JobTesting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Real JShell sessions ({@code $JAVA_HOME/bin/jshell}) with this JVM's class path, which holds the
 * Persist jars, persisting lambdas that use what was declared in the session.
 */
class JShellTest extends LocalJobTestBase {

    private static final Duration SESSION = Duration.ofMinutes(2);

    private int sessions;

    /** Runs a script in a new JShell session that exits at its end; returns what it printed. */
    private String jshell(String script, String... options) throws IOException {
        Path file = Files.writeString(tmp.resolve("session-" + ++sessions + ".jsh"), script + "\n/exit\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(),
                "--class-path", System.getProperty("java.class.path"),
                "-J-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"), "-R-Dpersist.home=" + home));
        command.addAll(List.of(options));
        command.add(file.toString());
        return runForOutput(command, scratch, SESSION);
    }

    /** A task that waits for this file, so that it is still unfinished when JShell has exited. */
    private String releaseFile() {
        return scratchFile("release");
    }

    private void release() throws IOException {
        Files.createFile(Path.of(releaseFile()));
    }

    @Test
    void aLambdaUsingAVariableARecordAndAMethodRunsOnAfterJShellExitsAndAPlainJvmFetchesItsResult() throws IOException {
        String output = jshell("""
                import dev.persist.*;
                int n = 21;
                record Box(int value) { int doubled() { return value * 2; } }
                int plusOne(int x) { return x + 1; }
                String release = "%s";
                var job = Persist.persist("from-jshell", "local", () -> {
                    while (!Files.exists(Path.of(release))) Thread.sleep(20);
                    return plusOne(new Box(n).doubled());
                });
                System.out.println("SUBMITTED " + job.name());
                """.formatted(releaseFile()));

        assertEquals("from-jshell", lineAfter(output, "SUBMITTED "), output);
        Job<?> job = jobs.open("from-jshell");
        assertFalse(job.status().isTerminal(), "JShell has exited; the job waits for its release:\n" + job.info());
        release();
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals(43, job.fetch());
        assertTrue(job.info().contains("Java task from JShell"), job.info());
    }

    @Test
    void variablesAndMethodsAreTakenAsTheyWereWhenTheTaskWasPersisted() throws IOException {
        String output = jshell("""
                import dev.persist.*;
                int n = 21;
                int twice(int x) { return 2 * x; }
                String release = "%s";
                var job = Persist.persist("snapshot", "local", () -> {
                    while (!Files.exists(Path.of(release))) Thread.sleep(20);
                    return twice(n);
                });
                n = 0;
                int twice(int x) { return 3 * x; }
                System.out.println("NOW " + twice(n));
                """.formatted(releaseFile()));

        assertEquals("0", lineAfter(output, "NOW "), output);
        release();
        assertEquals(42, jobs.open("snapshot").fetch());
    }

    @Test
    void aVariableThatCannotBeSentIsNamedAndNothingIsLeftOnDisk() throws IOException {
        String output = jshell("""
                import dev.persist.*;
                var worker = new Thread(() -> {});
                try {
                    Persist.persist("unsendable", "local", () -> worker.getName());
                    System.out.println("ERROR none");
                } catch (IllegalArgumentException e) {
                    System.out.println("ERROR " + e.getMessage());
                }
                """);

        assertEquals("Cannot persist the task: it reads the JShell variable 'worker' (java.lang.Thread), whose value"
                + " cannot be sent to the job. Cannot serialize a value of type java.lang.Thread: threads, streams,"
                + " sockets and other JVM resources cannot be sent to another JVM. Capture the data they hold instead."
                + " Or create the value inside the task.", lineAfter(output, "ERROR "));
        JobTesting.assertJobDirectories(home);
    }

    @Test
    void resultsAndExceptionsOfJShellClassesComeBackInJShellSessionsAndAPlainJvmIsToldWhy() throws IOException {
        String first = jshell("""
                import dev.persist.*;
                record Box(int value) {}
                class Oops extends RuntimeException { Oops() { super("oops"); } }
                var job = Persist.persist("boxed", "local", () -> new Box(21));
                var failing = Persist.persist("failing", "local", () -> { throw new Oops(); });
                Box same = (Box) job.fetch();
                System.out.println("SAME " + same.value());
                System.out.println("CLASS " + Box.class.getName());
                try { failing.fetch(); } catch (JobFailedException e) { System.out.println("OOPS " + (e.getCause() instanceof Oops)); }
                """);
        assertEquals("21", lineAfter(first, "SAME "), first);
        assertEquals("true", lineAfter(first, "OOPS "), "the session gets its own exception back: " + first);
        JobFailedException failure = assertThrows(JobFailedException.class, () -> jobs.open("failing").fetch());
        assertTrue(failure.remoteClassName().orElseThrow().matches("REPL\\.\\$JShell\\$\\d+\\$Oops"), failure::toString);
        assertEquals("oops", failure.remoteMessage().orElseThrow());
        assertInstanceOf(RemoteException.class, failure.getCause(), "a plain JVM has no such class");

        PersistException plain = assertThrows(PersistException.class, () -> jobs.open("boxed").fetch());
        assertEquals("The result of job 'boxed' holds an instance of " + lineAfter(first, "CLASS ") + ", a class"
                + " declared in the JShell session that submitted the job, which exists only there. Fetch it in JShell"
                + " (started with the Persist jars on its class path: Persist.open(\"boxed\").fetch()), or have the"
                + " task return values of classes on the class path, such as a String, a List or a record from a jar.",
                plain.getMessage());

        // Another session declares a different Box, under the same generated class name.
        String second = jshell("""
                import dev.persist.*;
                record Box(String text) {}
                Object other = Persist.open("boxed").fetch();
                System.out.println("OTHER " + other);
                System.out.println("CLASS " + Box.class.getName());
                System.out.println("SESSION'S OWN " + (other.getClass() == Box.class));
                """);
        assertEquals(lineAfter(first, "CLASS "), lineAfter(second, "CLASS "), "the names clash");
        assertEquals("Box[value=21]", lineAfter(second, "OTHER "), second);
        assertEquals("false", lineAfter(second, "SESSION'S OWN "), second);
    }

    @Test
    void theStartupScriptImportsWhatIsNeededAndDeepCodeFindsTheVariablesItReads() throws IOException {
        Path startup = tmp.resolve("persist.jsh");
        try (InputStream script = Objects.requireNonNull(Job.class.getClassLoader()
                .getResourceAsStream("dev/persist/core/persist.jsh"), "persist.jsh is packaged with persist-core")) {
            Files.copy(script, startup);
        }
        String output = jshell("""
                int factor = 3;
                record Scaled(int value) { int get() { return value * factor; } }
                class Task implements PersistentTask<Long> {
                    public Long call() { return Duration.ofMinutes(factor).toSeconds(); }
                }
                var deep = Persist.persist("deep", "local", () -> IntStream.rangeClosed(1, 3).map(i -> new Scaled(i).get()).sum());
                var declared = Persist.persist("declared", "local", new Task());
                System.out.println("DEEP " + deep.fetch());
                System.out.println("DECLARED " + declared.fetch());
                """, "--startup", "DEFAULT", "--startup", startup.toString());

        assertEquals("18", lineAfter(output, "DEEP "), output);
        assertEquals("180", lineAfter(output, "DECLARED "), output);
    }
}
