package dev.persist.cli;

import dev.persist.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "info", description = "Describe a job: status and reason, backend, host and pid, times, exit code.")
final class InfoCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", description = "Job name")
    private String name;

    @Override
    public Integer call() {
        Job<?> job = jobs().open(name);
        out().print(persist.json() ? JobData.json(JobData.summary(job.summary())) : job.info());
        return ExitCodes.OK;
    }
}
