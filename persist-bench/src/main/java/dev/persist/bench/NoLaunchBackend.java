package dev.persist.bench;

import dev.persist.spi.BackendName;
import dev.persist.spi.BackendState;
import dev.persist.spi.JobManager;
import dev.persist.spi.JobRef;
import dev.persist.spi.LaunchRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend that starts nothing ({@code bench-no-launch}), so that figure 1 can show what
 * {@code persist()} costs apart from starting the job's process: serializing the task, pinning
 * the class path and writing the job directory. Its jobs read as lost (FAILED) and can be cleaned
 * up at once. Only the benchmark's class path has it.
 */
@BackendName(NoLaunchBackend.ID)
public final class NoLaunchBackend implements JobManager {

    static final String ID = "bench-no-launch";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Map<String, String> launch(LaunchRequest request) {
        return Map.of("launched", "no");
    }

    @Override
    public Map<String, BackendState> query(List<JobRef> jobs) {
        Map<String, BackendState> states = new HashMap<>();
        for (JobRef job : jobs) {
            states.put(job.name(), new BackendState(BackendState.Phase.GONE, "this benchmark backend starts nothing"));
        }
        return states;
    }

    @Override
    public String describe(JobRef job) {
        return "not started (benchmark backend)";
    }

    @Override
    public void cancel(JobRef job) {
        // nothing runs
    }
}
