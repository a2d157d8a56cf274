package dev.persist.local;

import dev.persist.JobOptions;
import dev.persist.PersistentTask;
import dev.persist.core.JobTestBase;
import java.time.Duration;

/** The base of the local backend's end-to-end tests: a private home per test, see {@link JobTestBase}. */
abstract class LocalJobTestBase extends JobTestBase {

    static final Duration GENEROUS = Duration.ofSeconds(60);

    @Override
    protected Duration stopTimeout() {
        return GENEROUS;
    }

    static JobOptions local() {
        return JobOptions.backend("local");
    }

    /** A job that runs only when no other job of the local queue runs. */
    static JobOptions oneSlot() {
        return local().option("slots", "1");
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
