package dev.persist.cli;

import dev.persist.Job;
import dev.persist.PersistException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "cleanup", description = {"Delete finished jobs' directories; their names are free again.",
    "A job that has not finished is refused: cancel it first."})
final class CleanupCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Job names")
    private List<String> names = new ArrayList<>();

    @Option(names = "--finished", description = "Delete every job that is DONE, FAILED or CANCELLED")
    private boolean finished;

    @Override
    public Integer call() {
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
