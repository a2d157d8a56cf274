package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.persist.Job;
import dev.persist.core.JobDir;
import dev.persist.core.JobRecord;
import dev.persist.slurm.CommandRunner.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Helpers for the tests against the real test cluster. Those taking {@code String} paths also
 * run inside jobs, in the runner JVM.
 */
final class SlurmTestSupport {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final CommandRunner RUNNER = new ExecCommandRunner();

    private SlurmTestSupport() {
    }

    /** Polls until the supplier has a value; fails naming {@code what} when the deadline passes. */
    static <T> T waitFor(Supplier<Optional<T>> probe, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting for " + what.get());
            }
        }
    }

    /** Waits for a file a task writes (atomically) and returns its trimmed content. */
    static String awaitFile(Path file, Duration timeout) {
        return waitFor(() -> {
            try {
                return Optional.of(Files.readString(file).trim()).filter(s -> !s.isEmpty());
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, timeout, () -> "file " + file);
    }

    /** Writes a file as temp file plus rename, so a reader never sees it half written. Runs in jobs. */
    static void writeAtomically(String file, String content) throws IOException {
        Path target = Path.of(file);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The Slurm job id recorded in the job's {@code job.json}. */
    static String slurmJobId(Job<?> job) {
        try {
            String json = Files.readString(job.directory().resolve(JobDir.JOB_JSON));
            String id = JobRecord.fromJson(json).handle().get("jobId");
            assertTrue(id != null && id.matches("[0-9]+"), () -> "no Slurm job id in " + json);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a Slurm command directly (not through the backend) and returns its standard output. */
    static String slurm(String... command) {
        try {
            CommandResult result = RUNNER.run(List.of(command), Map.of(), Duration.ofSeconds(60));
            assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed: " + result.stderr());
            return result.stdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** squeue's row for a job ({@code id|STATE|...}), or empty once slurmctld has purged it. */
    static Optional<String> squeueRow(String id, String format) {
        String out = slurm("squeue", "--noheader", "--states=all", "--jobs=" + id + "," + id, "--Format=" + format);
        return out.lines().filter(l -> !l.isBlank()).findFirst();
    }

    /** Whether a process exists and is not a zombie. */
    static boolean processAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts {@code text} contains {@code word}, ignoring case. */
    static void assertMentions(String text, String word) {
        assertTrue(text != null && text.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                () -> "expected a mention of '" + word + "' in:\n" + text);
    }

    /** Asserts that {@code <home>/jobs} holds exactly the named entries. */
    static void assertJobDirectories(Path home, String... expected) {
        Path jobs = home.resolve("jobs");
        List<String> actual = List.of();
        if (Files.exists(jobs)) {
            try (Stream<Path> entries = Files.list(jobs)) {
                actual = entries.map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(Stream.of(expected).sorted().toList(), actual, "entries of " + jobs);
    }
}
