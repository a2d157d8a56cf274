package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.PersistentTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gives each test a private Persist home ({@code <tmp>/home}, created by the first persist) and a
 * scratch directory for files the tasks write, and stops whatever a test left running.
 */
abstract class LocalJobTestBase {

    static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    Path home;
    Path scratch;
    Jobs jobs;

    @BeforeEach
    void createHome() throws IOException {
        home = tmp.resolve("home");
        scratch = Files.createDirectory(tmp.resolve("scratch"));
        jobs = Persist.jobs(home);
    }

    /** Jobs a test leaves running would load the tests after it: stop them, and fail if one will not stop. */
    @AfterEach
    void stopUnfinishedJobs() {
        if (!Files.isDirectory(home.resolve("jobs"))) {
            return;
        }
        List<String> unstoppable = new ArrayList<>();
        for (Job<?> job : jobs.list()) { // skips, with a warning, the jobs a test damaged on purpose
            if (!job.isReady()) {
                job.cancel();
                if (!job.await(GENEROUS).isTerminal()) {
                    unstoppable.add(job.name());
                }
            }
        }
        assertEquals(List.of(), unstoppable, "jobs still running after cancel()");
    }

    static JobOptions local() {
        return JobOptions.backend("local");
    }

    /** A job that runs only when no other job of the local queue runs. */
    static JobOptions oneSlot() {
        return local().option("slots", "1");
    }

    /** A file in the scratch directory, as a string: tasks capture strings, never {@link Path}s. */
    String scratchFile(String name) {
        return scratch.resolve(name).toString();
    }

    /** A task that records its JVM's pid in {@code pidFile}, then sleeps. */
    static PersistentTask<String> pidThenSleep(String pidFile, Duration sleep) {
        long millis = sleep.toMillis();
        return () -> {
            LocalTestSupport.writeOwnPid(pidFile);
            Thread.sleep(millis);
            return "slept";
        };
    }
}
