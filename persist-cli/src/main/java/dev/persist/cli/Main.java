package dev.persist.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/**
 * The {@code persist} command. {@link #createCommandLine} is the seam tests use: it builds the
 * whole command, writing to whatever {@code out}/{@code err} the caller sets on it.
 */
public final class Main {

    private Main() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine commandLine = createCommandLine(Terminal.detect());
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    /**
     * @param terminal whether output goes to a person (progress, colours)
     * @return the {@code persist} command with its subcommands, error handlers and exit codes
     */
    public static CommandLine createCommandLine(Terminal terminal) {
        CommandLine commandLine = new CommandLine(new PersistCommand(terminal));
        commandLine.addSubcommand(new AutoComplete.GenerateCompletion());
        // Arguments reach a job's command exactly as given: "@file" is not expanded.
        commandLine.setExpandAtFiles(false);
        // Everything after the program's name is its arguments, even what looks like an option.
        commandLine.getSubcommands().get("submit").setStopAtPositional(true);
        commandLine.setColorScheme(Help.defaultColorScheme(terminal.colour() ? Help.Ansi.ON : Help.Ansi.OFF));
        commandLine.setParameterExceptionHandler(Errors::usage);
        commandLine.setExecutionExceptionHandler(Errors::failure);
        commandLine.setExitCodeExceptionMapper(Errors::exitCode);
        return commandLine;
    }
}
