package dev.persist.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", description = {"Stop jobs and everything they started; a queued job never starts.",
    "Prints NAME STATUS for each; a job that had already finished is left as it was."})
final class CancelCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Job names")
    private List<String> names;

    @Override
    public Integer call() {
        return forEachJob(names, job -> {
            boolean stopped = job.cancel();
            out().println(job.name() + " " + job.status());
            if (!stopped) {
                err().println("persist: job '" + job.name() + "' had already finished; nothing to cancel");
            }
        });
    }
}
