package dev.persist.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.PositionalParamSpec;

final class StatusCommand extends JobCommand {

    private final PositionalParamSpec names = Args.names("1..*");

    StatusCommand(PersistCommand persist) {
        super(persist, "status", "Print each job's status, one line per job: NAME STATUS.");
        spec.addPositional(names);
    }

    @Override
    public Integer call() {
        List<Object> data = new ArrayList<>();
        int code = forEachJob(Args.strings(names), job -> {
            if (persist.json()) {
                data.add(JobData.summary(job.summary()));
            } else {
                out().println(job.name() + " " + job.status());
            }
        });
        if (persist.json()) {
            out().print(JobData.json(data));
        }
        return code;
    }
}
