package dev.persist.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Print each job's status, one line per job: NAME STATUS.")
final class StatusCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Job names")
    private List<String> names;

    @Override
    public Integer call() {
        List<Object> data = new ArrayList<>();
        int code = forEachJob(names, job -> {
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
