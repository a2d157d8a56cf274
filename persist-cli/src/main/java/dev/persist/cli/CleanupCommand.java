package dev.persist.cli;

import dev.persist.Job;
import dev.persist.PersistException;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

final class CleanupCommand extends JobCommand {

    private final PositionalParamSpec names = Args.names("0..*");
    private final OptionSpec finished = Args.flag("Delete every job that is DONE, FAILED or CANCELLED", "--finished")
            .build();

    CleanupCommand(PersistCommand persist) {
        super(persist, "cleanup", "Delete finished jobs' directories; their names are free again.",
                "A job that has not finished is refused: cancel it first.");
        spec.addPositional(names).addOption(finished);
    }

    @Override
    public Integer call() {
        List<String> names = Args.strings(this.names);
        boolean finished = Args.isSet(this.finished);
        if (finished == !names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Give either job names or --finished");
        }
        if (!finished) {
            return forEachJob(names, this::cleanup);
        }
        int code = ExitCodes.OK;
        for (Job<?> job : jobs().list()) {
            if (job.status().isTerminal()) {
                try {
                    cleanup(job);
                } catch (PersistException | IllegalStateException e) {
                    err().println("persist: " + e.getMessage());
                    code = Math.max(code, Errors.exitCode(e));
                }
            }
        }
        return code;
    }

    private void cleanup(Job<?> job) {
        job.cleanup();
        out().println("removed " + job.name());
    }
}
