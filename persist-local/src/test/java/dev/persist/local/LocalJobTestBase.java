package dev.persist.local;

import dev.persist.JobOptions;
import dev.persist.PersistentTask;
import dev.persist.core.JobTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** The base of the local backend's end-to-end tests: a private home per test, see {@link JobTestBase}. */
abstract class LocalJobTestBase extends JobTestBase {

    static final Duration GENEROUS = Duration.ofSeconds(60);

    @Override
    protected Duration stopTimeout() {
        return GENEROUS;
    }

    /**
     * JUnit deletes the home next: waits until a spawner that is starting has made its files in it
     * (it deletes its {@code .starting} marker then), so that none appears during the deletion.
     */
    @AfterEach
    void awaitSpawnerStarted() {
        Path local = home.resolve("local");
        LocalTestSupport.waitFor(() -> {
            try (DirectoryStream<Path> starting = Files.newDirectoryStream(local, "*.starting")) {
                return !starting.iterator().hasNext();
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, GENEROUS, "the spawner of " + home + " to finish starting");
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
