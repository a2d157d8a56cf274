package dev.persist.cli;

import dev.persist.Jobs;
import dev.persist.Persist;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code persist}: the global options, shared by every subcommand ({@link Main} adds those). */
@Command(name = "persist",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Persistent jobs: run commands that survive logging out, look at jobs programs started, fetch results.",
            ""},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  a job failed or was cancelled, or the command could not do what was asked",
            "  2  usage error", "  3  no such job", "  4  timed out waiting"})
final class PersistCommand {

    private final Terminal terminal;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Persist home (default: $PERSIST_HOME, else ~/.persist)")
    private Path home;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print data as JSON (list, status, info, wait, fetch, backends)")
    private boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces with errors")
    private boolean debug;

    PersistCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    /** @return the chosen home: {@code --home}, else {@link Persist#home()} */
    Path home() {
        return home != null ? home : Persist.home();
    }

    /** @return the jobs of the chosen home */
    Jobs jobs() {
        return Persist.jobs(home());
    }

    boolean json() {
        return json;
    }

    boolean debug() {
        return debug;
    }

    Terminal terminal() {
        return terminal;
    }
}
