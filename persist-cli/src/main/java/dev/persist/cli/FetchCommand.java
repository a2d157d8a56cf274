package dev.persist.cli;

import dev.persist.Job;
import dev.persist.JobStatus;
import java.time.Duration;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class FetchCommand extends JobCommand {

    private final PositionalParamSpec name = Args.name();
    private final OptionSpec timeout = Args.timeout();

    FetchCommand(PersistCommand persist) {
        super(persist, "fetch", "Wait for a job and print its result: a Java task's value (its toString()), "
                        + "a command's exit code.",
                "A failed or cancelled job prints why and exits with 1. With --json, the result as JSON data, if it has "
                        + "that form.");
        spec.addPositional(name).addOption(timeout);
    }

    @Override
    public Integer call() {
        String name = this.name.getValue();
        Duration timeout = this.timeout.getValue();
        Job<?> job = jobs().open(name);
        if (timeout != null) {
            JobStatus status = job.await(timeout);
            if (!status.isTerminal() && status != JobStatus.EMPTY) {
                err().println("persist: timed out after " + Format.duration(timeout) + ": job '" + name + "' is " + status);
                return ExitCodes.TIMED_OUT;
            }
        }
        Object result = job.fetch();
        if (!persist.json()) {
            out().println(result);
            return ExitCodes.OK;
        }
        Object data;
        try {
            data = JobData.result(result);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The result of job '" + name + "' has no JSON form: it holds "
                    + e.getMessage() + "; fetch it without --json to print its toString()", e);
        }
        out().print(JobData.json(data));
        return ExitCodes.OK;
    }
}
