package dev.persist.cli;

import java.io.PrintWriter;
import java.util.List;
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
    private static final List<String> SUBCOMMANDS = List.of("submit", "status", "info", "list", "wait", "fetch",
            "stdout", "stderr", "cancel", "cleanup", "backends", "gc", "jshell", "generate-completion");

    /**
     * @param name one of {@link #SUBCOMMANDS}
     * @return a new instance of that subcommand (a switch rather than a map of constructor
     *     references, whose lambdas would cost every start linking them)
     */
    private static Object subcommand(String name) {
        return switch (name) {
            case "submit" -> new SubmitCommand();
            case "status" -> new StatusCommand();
            case "info" -> new InfoCommand();
            case "list" -> new ListCommand();
            case "wait" -> new WaitCommand();
            case "fetch" -> new FetchCommand();
            case "stdout" -> new OutputCommand.Stdout();
            case "stderr" -> new OutputCommand.Stderr();
            case "cancel" -> new CancelCommand();
            case "cleanup" -> new CleanupCommand();
            case "backends" -> new BackendsCommand();
            case "gc" -> new GcCommand();
            case "jshell" -> new JShellCommand();
            case "generate-completion" -> new AutoComplete.GenerateCompletion();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
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
        String invoked = invoked(args);
        for (String name : SUBCOMMANDS) {
            if (invoked == null || invoked.equals(name)) {
                commandLine.addSubcommand(name, subcommand(name));
            }
        }
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
    private static String invoked(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--home")) {
                i++;
            } else if (!arg.startsWith("--home=") && !arg.equals("--json") && !arg.equals("--debug")) {
                return SUBCOMMANDS.contains(arg) ? arg : null;
            }
        }
        return null;
    }
}
