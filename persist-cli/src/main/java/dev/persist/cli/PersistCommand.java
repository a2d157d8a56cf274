package dev.persist.cli;

import dev.persist.Jobs;
import dev.persist.Persist;
import dev.persist.core.CoreRuntime;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * {@code persist}: the global options, which every subcommand inherits ({@link Main} adds those),
 * and the help texts they share.
 */
final class PersistCommand {

    private final Terminal terminal;
    /**
     * The runtime {@link Persist} would find with a {@link java.util.ServiceLoader}, made directly:
     * the distribution ships it, and looking for its service file opens every jar of the class path.
     */
    private final CoreRuntime runtime = new CoreRuntime();
    private final OptionSpec home = OptionSpec.builder("--home").paramLabel("DIR").type(Path.class)
            .scopeType(ScopeType.INHERIT).description("Persist home (default: $PERSIST_HOME, else ~/.persist)").build();
    private final OptionSpec json = Args.flag("Print data as JSON (list, status, info, wait, fetch, backends)", "--json")
            .scopeType(ScopeType.INHERIT).build();
    private final OptionSpec debug = Args.flag("Print stack traces with errors", "--debug").scopeType(ScopeType.INHERIT).build();
    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);

    PersistCommand(Terminal terminal) {
        this.terminal = terminal;
        spec.name("persist").scopeType(ScopeType.INHERIT).versionProvider(new ManifestVersionProvider());
        spec.usageMessage().sortOptions(false).autoWidth(true)
                .description("Persistent jobs: run commands that survive logging out, look at jobs programs started, "
                        + "fetch results.", "")
                .footerHeading("%nExit codes:%n")
                .footer("  0  success", "  1  a job failed or was cancelled, or the command could not do what was asked",
                        "  2  usage error", "  3  no such job", "  4  timed out waiting");
        spec.addOption(home).addOption(json).addOption(debug);
    }

    /** @return the command, without the help options ({@link Args#withHelpOptions} adds them last) */
    CommandSpec spec() {
        return spec;
    }

    /** @return the chosen home: {@code --home}, else {@link Persist#home()} */
    Path home() {
        Path chosen = home.getValue();
        return chosen != null ? chosen : Persist.home();
    }

    /** @return the jobs of the chosen home */
    Jobs jobs() {
        return runtime.jobs(home().toAbsolutePath().normalize());
    }

    boolean json() {
        return Args.isSet(json);
    }

    boolean debug() {
        return Args.isSet(debug);
    }

    Terminal terminal() {
        return terminal;
    }
}
