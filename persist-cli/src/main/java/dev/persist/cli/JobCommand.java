package dev.persist.cli;

import dev.persist.Job;
import dev.persist.Jobs;
import dev.persist.PersistException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every subcommand has: the global options, its output streams, the jobs of the home. A
 * subcommand adds its options and parameters ({@link Args}) to {@link #spec} in its constructor.
 */
abstract class JobCommand implements Callable<Integer> {

    final PersistCommand persist;
    final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    /**
     * @param persist the {@code persist} command, whose options this one inherits
     * @param name the subcommand's name
     * @param description its description, one paragraph per element
     */
    JobCommand(PersistCommand persist, String name, String... description) {
        this.persist = persist;
        spec.name(name).usageMessage().description(description);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Jobs jobs() {
        return persist.jobs();
    }

    /**
     * Runs an action on each named job. A name that is invalid or names no job, or a job the
     * action fails on, is reported in one line and the others go on.
     *
     * @param names job names
     * @param action what to do with each job
     * @return {@link ExitCodes#OK}, or the highest exit code of the errors met
     */
    int forEachJob(List<String> names, Consumer<Job<?>> action) {
        int code = ExitCodes.OK;
        for (String name : names) {
            try {
                action.accept(jobs().open(name));
            } catch (IllegalArgumentException | IllegalStateException | PersistException e) {
                err().println("persist: " + Errors.message(e));
                code = Math.max(code, Errors.exitCode(e));
            }
        }
        return code;
    }
}
