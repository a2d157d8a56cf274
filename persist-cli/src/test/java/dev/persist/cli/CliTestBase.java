package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Jobs;
import dev.persist.Persist;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code persist} in this JVM against a fresh home of real local jobs, capturing its output. */
abstract class CliTestBase {

    @TempDir
    Path home;

    /**
     * @param code the exit code
     * @param out what went to stdout
     * @param err what went to stderr
     */
    record Result(int code, String out, String err) {
        /** Fails unless the command succeeded; shows stderr if not. */
        Result ok() {
            assertEquals(0, code, "exit code; stderr: " + err);
            return this;
        }
    }

    /** Runs {@code persist --home HOME ARGS...} with output for programs. */
    Result run(String... args) {
        return run(Terminal.NONE, args);
    }

    /** Runs {@code persist --home HOME ARGS...}. */
    Result run(Terminal terminal, String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        CommandLine commandLine = Main.createCommandLine(terminal, all.toArray(String[]::new));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Submits a command job and returns its name. */
    String submit(String name, String... command) {
        List<String> args = new ArrayList<>(List.of("submit", "--name", name, "--"));
        args.addAll(List.of(command));
        return run(args.toArray(String[]::new)).ok().out().strip();
    }

    /** Waits (with a deadline) until the job has started. */
    void awaitRunning(String name) throws InterruptedException {
        awaitTrue(() -> jobs().open(name).status() == JobStatus.RUNNING, "job '" + name + "' to start");
    }

    /** Polls the condition every 20 ms; fails naming {@code what} if it does not hold within 30 s. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 30 s for " + what);
            Thread.sleep(20);
        }
    }

    Jobs jobs() {
        return Persist.jobs(home);
    }

    /**
     * Leaves no job running behind, nor a spawner still making its files in the home, which
     * JUnit is about to delete (a spawner that is starting deletes its {@code .starting} marker
     * once its files are made).
     */
    @AfterEach
    void cancelRunningJobs() throws InterruptedException {
        for (Job<?> job : jobs().list()) {
            if (!job.status().isTerminal()) {
                job.cancel();
            }
        }
        awaitTrue(() -> !spawnerStarting(), "the spawner of " + home + " to finish starting");
    }

    private boolean spawnerStarting() {
        try (Stream<Path> files = Files.list(home.resolve("local"))) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".starting"));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
