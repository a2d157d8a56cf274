package dev.persist.local;

import static dev.persist.local.LocalTestSupport.awaitFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.PersistentTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local backend runs at most as many jobs as slots allow; the others wait their turn. */
class LocalQueueTest extends LocalJobTestBase {

    /** Records wall-clock start and end times (comparable across JVMs) around a short sleep. */
    private static PersistentTask<String> timed(String startFile, String endFile) {
        return () -> {
            LocalTestSupport.writeNow(startFile);
            Thread.sleep(1_500);
            LocalTestSupport.writeNow(endFile);
            return "timed";
        };
    }

    private long time(String file) {
        return Long.parseLong(awaitFile(scratch.resolve(file), Duration.ofSeconds(5)));
    }

    @Test
    void singleSlotJobsRunOneAtATimeInSubmissionOrder() {
        List<String> names = List.of("one", "two", "three");
        List<Job<String>> submitted = new ArrayList<>();
        for (String name : names) {
            submitted.add(jobs.persist(name, oneSlot(), timed(scratchFile(name + ".start"), scratchFile(name + ".end"))));
        }

        awaitFile(scratch.resolve("one.start"), GENEROUS);
        assertEquals(JobStatus.RUNNING, submitted.get(0).status(), () -> submitted.get(0).info());
        assertEquals(JobStatus.QUEUED, submitted.get(1).status(), () -> submitted.get(1).info());
        assertEquals(JobStatus.QUEUED, submitted.get(2).status(), () -> submitted.get(2).info());

        for (Job<String> job : submitted) {
            assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        }
        for (int i = 1; i < names.size(); i++) {
            long previousEnd = time(names.get(i - 1) + ".end");
            long start = time(names.get(i) + ".start");
            assertTrue(previousEnd <= start, names.get(i) + " started at " + start + ", before "
                    + names.get(i - 1) + " ended at " + previousEnd);
        }
    }
}
