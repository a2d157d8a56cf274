package dev.persist.cli;

import dev.persist.BackendInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class BackendsCommand extends JobCommand {

    BackendsCommand(PersistCommand persist) {
        super(persist, "backends", "List the backends jobs can run on: name, version, and the jar or "
                        + "directory each was loaded from.",
                "Backends come from the class path, the distribution's plugins/ directory and <home>/plugins/. "
                        + "A plugin that cannot be used is named on stderr, with the reason; the others work.");
    }

    @Override
    public Integer call() {
        List<BackendInfo> backends = jobs().backends();
        List<String> problems = jobs().backendProblems();
        if (persist.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("backends", backends.stream().map(JobData::backend).toList());
            json.put("problems", problems);
            out().print(JobData.json(json));
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "VERSION", "LOCATION");
        for (BackendInfo backend : backends) {
            table.row(backend.name(), backend.version(), backend.location());
        }
        table.print(out(), (row, column, cell) -> cell);
        for (String problem : problems) {
            err().println("persist: " + problem);
        }
        return ExitCodes.OK;
    }
}
