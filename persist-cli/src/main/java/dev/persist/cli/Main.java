package dev.persist.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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

    /** The subcommands, in the order the help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("submit", SubmitCommand::new);
        SUBCOMMANDS.put("status", StatusCommand::new);
        SUBCOMMANDS.put("info", InfoCommand::new);
        SUBCOMMANDS.put("list", ListCommand::new);
        SUBCOMMANDS.put("wait", WaitCommand::new);
        SUBCOMMANDS.put("fetch", FetchCommand::new);
        SUBCOMMANDS.put("stdout", OutputCommand.Stdout::new);
        SUBCOMMANDS.put("stderr", OutputCommand.Stderr::new);
        SUBCOMMANDS.put("cancel", CancelCommand::new);
        SUBCOMMANDS.put("cleanup", CleanupCommand::new);
        SUBCOMMANDS.put("backends", BackendsCommand::new);
        SUBCOMMANDS.put("gc", GcCommand::new);
        SUBCOMMANDS.put("jshell", JShellCommand::new);
        SUBCOMMANDS.put("generate-completion", AutoComplete.GenerateCompletion::new);
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine commandLine = createCommandLine(Terminal.detect(), args);
        // Over System.out itself, so that checkError() sees a reader that went away (| head).
        commandLine.setOut(new PrintWriter(System.out, true));
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    /**
     * @param terminal whether output goes to a person (progress, colours)
     * @param args the command line it will execute: when that names a subcommand, only that one is
     *     set up, since reading every subcommand's annotations is most of picocli's startup time
     * @return the {@code persist} command with its subcommands, error handlers and exit codes
     */
    public static CommandLine createCommandLine(Terminal terminal, String... args) {
        CommandLine commandLine = new CommandLine(new PersistCommand(terminal));
        String invoked = subcommand(args);
        SUBCOMMANDS.forEach((name, command) -> {
            if (invoked == null || invoked.equals(name)) {
                commandLine.addSubcommand(name, command.get());
            }
        });
        // Arguments reach a job's command exactly as given: "@file" is not expanded.
        commandLine.setExpandAtFiles(false);
        if (commandLine.getSubcommands().containsKey("submit")) {
            // Everything after the program's name is its arguments, even what looks like an option.
            commandLine.getSubcommands().get("submit").setStopAtPositional(true);
        }
        commandLine.setColorScheme(Help.defaultColorScheme(terminal.colour() ? Help.Ansi.ON : Help.Ansi.OFF));
        commandLine.setParameterExceptionHandler(Errors::usage);
        commandLine.setExecutionExceptionHandler(Errors::failure);
        commandLine.setExitCodeExceptionMapper(Errors::exitCode);
        return commandLine;
    }

    /** The subcommand the arguments name after the global options, or null if none or an unknown one. */
    private static String subcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--home")) {
                i++;
            } else if (!arg.startsWith("--home=") && !arg.equals("--json") && !arg.equals("--debug")) {
                return SUBCOMMANDS.containsKey(arg) ? arg : null;
            }
        }
        return null;
    }
}
