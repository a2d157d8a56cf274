package dev.persist.cli;

import dev.persist.GcReport;
import java.util.LinkedHashMap;
import java.util.Map;

final class GcCommand extends JobCommand {

    GcCommand(PersistCommand persist) {
        super(persist, "gc", "Delete the class path snapshots no job uses any more, files left by "
                        + "programs that died while submitting, and the files of local spawners that stopped a day ago.",
                "Safe while jobs are submitted and running: a job keeps its own snapshots. "
                        + "\"persist cleanup\" already deletes the snapshots only its jobs used.");
    }

    @Override
    public Integer call() {
        GcReport report = jobs().gc();
        if (persist.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("removed", report.removed());
            json.put("removedBytes", report.removedBytes());
            json.put("kept", report.kept());
            json.put("keptBytes", report.keptBytes());
            out().print(JobData.json(json));
        } else {
            out().println(report);
        }
        return ExitCodes.OK;
    }
}
