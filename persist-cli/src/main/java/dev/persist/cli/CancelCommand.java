package dev.persist.cli;

import picocli.CommandLine.Model.PositionalParamSpec;

final class CancelCommand extends JobCommand {

    private final PositionalParamSpec names = Args.names("1..*");

    CancelCommand(PersistCommand persist) {
        super(persist, "cancel", "Stop jobs and everything they started; a queued job never starts.",
                "Prints NAME STATUS for each; a job that had already finished is left as it was.");
        spec.addPositional(names);
    }

    @Override
    public Integer call() {
        return forEachJob(Args.strings(names), job -> {
            boolean stopped = job.cancel();
            out().println(job.name() + " " + job.status());
            if (!stopped) {
                err().println("persist: job '" + job.name() + "' had already finished; nothing to cancel");
            }
        });
    }
}
