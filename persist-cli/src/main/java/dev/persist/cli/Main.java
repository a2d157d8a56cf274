package dev.persist.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code persist} command. {@link #createCommandLine} is the seam tests use: it builds the
 * whole command, writing to whatever {@code out}/{@code err} the caller sets on it.
 */
public final class Main {

    private Main() {
    }

    /**
     * picocli's converters for {@code java.sql} and {@code java.time} types, which no option here
     * has ({@code --time} and {@code --timeout} bring their own): picocli registers them by
     * reflection for every command, loading and initializing dozens of classes, unless this system
     * property excludes them.
     */
    private static final String UNUSED_CONVERTERS = "picocli.converters.excludes";
    /**
     * Unless this system property is true, picocli looks for Groovy's closure class when it starts,
     * which opens every jar of the class path only to find it is not there.
     */
    private static final String NO_CLOSURES = "picocli.disable.closures";

    /** The subcommands, in the order the help lists them. */
    private static final List<String> SUBCOMMANDS = List.of("submit", "status", "info", "list", "wait", "fetch",
            "stdout", "stderr", "cancel", "cleanup", "backends", "gc", "jshell", "generate-completion");

    /**
     * @param name one of {@link #SUBCOMMANDS}
     * @param persist the {@code persist} command it belongs to
     * @return that subcommand: ours built with picocli's programmatic API, picocli's own
     *     {@code generate-completion} from its annotations (a switch rather than a map of
     *     constructor references, whose lambdas would cost every start linking them)
     */
    private static Object subcommand(String name, PersistCommand persist) {
        JobCommand command = switch (name) {
            case "submit" -> new SubmitCommand(persist);
            case "status" -> new StatusCommand(persist);
            case "info" -> new InfoCommand(persist);
            case "list" -> new ListCommand(persist);
            case "wait" -> new WaitCommand(persist);
            case "fetch" -> new FetchCommand(persist);
            case "stdout" -> new OutputCommand.Stdout(persist);
            case "stderr" -> new OutputCommand.Stderr(persist);
            case "cancel" -> new CancelCommand(persist);
            case "cleanup" -> new CleanupCommand(persist);
            case "backends" -> new BackendsCommand(persist);
            case "gc" -> new GcCommand(persist);
            case "jshell" -> new JShellCommand(persist);
            case "generate-completion" -> null;
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
        return command == null ? new AutoComplete.GenerateCompletion() : Args.withHelpOptions(command.spec);
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
     *     set up
     * @return the {@code persist} command with its subcommands, error handlers and exit codes;
     *     sets the system properties {@code picocli.converters.excludes} and
     *     {@code picocli.disable.closures} (when unset), so that picocli leaves aside what this
     *     command has no use for
     */
    public static CommandLine createCommandLine(Terminal terminal, String... args) {
        if (System.getProperty(UNUSED_CONVERTERS) == null) {
            System.setProperty(UNUSED_CONVERTERS, "java\\.(sql|time)\\..*");
        }
        if (System.getProperty(NO_CLOSURES) == null) {
            System.setProperty(NO_CLOSURES, "true");
        }
        PersistCommand persist = new PersistCommand(terminal);
        CommandLine commandLine = new CommandLine(Args.withHelpOptions(persist.spec()));
        String invoked = invoked(persist.spec(), args);
        for (String name : SUBCOMMANDS) {
            if (invoked == null || invoked.equals(name)) {
                commandLine.addSubcommand(name, subcommand(name, persist));
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

    /**
     * @param global the {@code persist} command, whose options may come before the subcommand
     * @return the subcommand the arguments name after the global options, or null if none or an
     *     unknown one
     */
    private static String invoked(CommandSpec global, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            OptionSpec option = global.findOption(equals < 0 ? arg : arg.substring(0, equals));
            if (option == null) {
                return SUBCOMMANDS.contains(arg) ? arg : null;
            }
            if (option.usageHelp() || option.versionHelp()) {
                return null; // the help lists every subcommand
            }
            if (equals < 0 && option.arity().max() > 0) {
                i++; // its value
            }
        }
        return null;
    }
}
