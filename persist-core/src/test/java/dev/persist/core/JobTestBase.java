package dev.persist.core;

import dev.persist.Jobs;
import dev.persist.Persist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the backends' end-to-end tests (persist-core's test jar): gives each test a private
 * Persist home ({@code <tmp>/home}, created by the first persist) and a scratch directory for
 * files the tasks write, and stops whatever a test left running.
 */
public abstract class JobTestBase {

    /** The test's temporary directory. */
    @TempDir
    protected Path tmp;

    /** The test's Persist home. */
    protected Path home;
    /** A directory for files the tasks write. */
    protected Path scratch;
    /** The jobs under {@link #home}. */
    protected Jobs jobs;

    @BeforeEach
    void createHome() throws IOException {
        home = tmp.resolve("home");
        scratch = Files.createDirectory(tmp.resolve("scratch"));
        jobs = Persist.jobs(home);
    }

    @AfterEach
    void stopUnfinishedJobs() {
        JobTesting.stopUnfinishedJobs(jobs, home, stopTimeout());
    }

    /** @return how long each job left running may take to stop after cancel() */
    protected abstract Duration stopTimeout();

    /**
     * @param name a file name
     * @return the file in the scratch directory, as a string: tasks capture strings, never {@link Path}s
     */
    protected String scratchFile(String name) {
        return scratch.resolve(name).toString();
    }
}
