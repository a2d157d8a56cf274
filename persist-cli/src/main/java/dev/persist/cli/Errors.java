package dev.persist.cli;

import dev.persist.NoSuchJobException;
import dev.persist.PersistException;
import dev.persist.core.Backends;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** How errors reach the user: one line each, a stack trace only with {@code --debug}. */
final class Errors {

    private Errors() {
    }

    /** A command line that cannot be parsed: the reason and where to find help. */
    static int usage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String nearest = e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
                ? Backends.nearest(unmatched.getUnmatched().get(0), command.getSubcommands().keySet()) : null;
        String suggestion = nearest == null ? "" : " Did you mean '" + nearest + "'?";
        err.println("persist: " + e.getMessage() + suggestion + " (see '" + command.getCommandSpec().qualifiedName()
                + " --help')");
        if (debug(command)) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    /** An exception from a command: its message, and the exit code for its kind. */
    static int failure(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println("persist: " + message(e));
        if (debug(command)) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    /**
     * @param e an exception a command threw
     * @return the exit code for it
     */
    static int exitCode(Throwable e) {
        if (e instanceof NoSuchJobException) {
            return ExitCodes.NO_SUCH_JOB;
        }
        if (e instanceof IllegalArgumentException || e instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    /**
     * @param e an exception
     * @return its message for the user; an unexpected one says so
     */
    static String message(Throwable e) {
        if (e instanceof PersistException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof UncheckedIOException) {
            return String.valueOf(e.getMessage());
        }
        return "unexpected error: " + e + " (run with --debug for the stack trace)";
    }

    private static boolean debug(CommandLine command) {
        CommandLine root = command;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof PersistCommand p && p.debug();
    }
}
