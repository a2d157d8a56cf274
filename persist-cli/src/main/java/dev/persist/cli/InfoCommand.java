package dev.persist.cli;

import dev.persist.Job;
import picocli.CommandLine.Model.PositionalParamSpec;

final class InfoCommand extends JobCommand {

    private final PositionalParamSpec name = Args.name();

    InfoCommand(PersistCommand persist) {
        super(persist, "info", "Describe a job: status and reason, backend, host and pid, times, exit code.");
        spec.addPositional(name);
    }

    @Override
    public Integer call() {
        Job<?> job = jobs().open(name.getValue());
        out().print(persist.json() ? JobData.json(JobData.summary(job.summary())) : job.info());
        return ExitCodes.OK;
    }
}
