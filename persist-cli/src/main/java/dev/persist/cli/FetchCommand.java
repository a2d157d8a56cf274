package dev.persist.cli;

import dev.persist.Job;
import dev.persist.JobStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fetch", description = {"Wait for a job and print its result: a Java task's value (its toString()), "
        + "a command's exit code.",
    "A failed or cancelled job prints why and exits with 1. With --json, the result as JSON data, if it has that form."})
final class FetchCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", description = "Job name")
    private String name;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long (exit code 4): " + DurationConverter.FORMS)
    private Duration timeout;

    @Override
    public Integer call() {
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
