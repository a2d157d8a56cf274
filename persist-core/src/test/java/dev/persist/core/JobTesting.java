package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.persist.Job;
import dev.persist.Jobs;
import dev.persist.spi.JobManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Test fixtures the backends' tests share (persist-core's test jar): waiting with a deadline,
 * files written and read atomically (also from inside tasks, in the runner JVM), assertions on
 * messages and job directories, stopping what a test left running, and a {@link Jobs} over given
 * backend instances.
 */
public final class JobTesting {

    private static final Duration POLL = Duration.ofMillis(50);

    private JobTesting() {
    }

    /**
     * Polls until the probe has a value; fails naming {@code what} when the deadline passes.
     *
     * @param probe returns the value once there is one
     * @param timeout the deadline
     * @param what what is waited for, for the failure message
     * @return the value
     */
    public static <T> T waitFor(Supplier<Optional<T>> probe, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting for " + what.get());
            }
        }
    }

    /**
     * Waits for a file a task writes (atomically) and returns its trimmed content.
     *
     * @param file the file
     * @param timeout the deadline
     * @return its content, once it is not empty
     */
    public static String awaitFile(Path file, Duration timeout) {
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

    /**
     * Writes a file as temp file plus rename, so a reader never sees it half written. Tasks call
     * it, in the runner JVM.
     *
     * @param file the file, as a string: tasks capture strings, never {@link Path}s
     * @param content what to write
     * @throws IOException if it cannot be written
     */
    public static void writeAtomically(String file, String content) throws IOException {
        Path target = Path.of(file);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Asserts {@code text} contains {@code word}, ignoring case.
     *
     * @param text a message or description
     * @param word what it must mention
     */
    public static void assertMentions(String text, String word) {
        assertTrue(text != null && text.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                () -> "expected a mention of '" + word + "' in:\n" + text);
    }

    /**
     * Asserts that {@code <home>/jobs} holds exactly the named job directories and nothing else
     * (no directories of rejected submissions, no temporary files).
     *
     * @param home a Persist home
     * @param expected the names of the jobs it holds
     */
    public static void assertJobDirectories(Path home, String... expected) {
        Path jobs = home.resolve("jobs");
        Set<String> actual = new TreeSet<>();
        if (Files.exists(jobs)) {
            try (Stream<Path> entries = Files.list(jobs)) {
                entries.forEach(p -> actual.add(p.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(new TreeSet<>(List.of(expected)), actual, "entries of " + jobs);
    }

    /**
     * Jobs a test leaves running would load the tests after it: cancels them, and fails if one
     * does not stop.
     *
     * @param jobs the test's jobs
     * @param home their home
     * @param timeout how long each may take to stop
     */
    public static void stopUnfinishedJobs(Jobs jobs, Path home, Duration timeout) {
        if (!Files.isDirectory(home.resolve("jobs"))) {
            return;
        }
        List<String> unstoppable = new ArrayList<>();
        for (Job<?> job : jobs.list()) { // skips, with a warning, the jobs a test damaged on purpose
            if (!job.isReady()) {
                job.cancel();
                if (!job.await(timeout).isTerminal()) {
                    unstoppable.add(job.name());
                }
            }
        }
        assertEquals(List.of(), unstoppable, "jobs still running after cancel()");
    }

    /**
     * @param home the Persist home
     * @param backend the only backend, for example one whose calls a test counts
     * @return the jobs under {@code home}, run by {@code backend}; everything else is core's
     */
    public static Jobs jobs(Path home, JobManager backend) {
        KryoCodec codec = new KryoCodec();
        return new JobStore(home, TestBackends.of(backend), () -> codec, Clock.systemUTC());
    }
}
