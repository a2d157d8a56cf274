package dev.persist.slurm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a short scheduler command ({@code sbatch}, {@code squeue}, ...) and captures what it
 * printed. The seam between the Slurm backend and the machine: tests stand in for it to feed the
 * backend odd outputs, errors and timeouts, or wrap the real one to count calls.
 */
interface CommandRunner {

    /**
     * Runs {@code command} with standard input closed and waits for it.
     *
     * @param command the program and its arguments, each passed as one argument, never through a shell
     * @param environment variables to set on top of this JVM's environment
     * @param timeout how long the command may run before it is killed
     * @return its exit code and output; a non-zero exit code is not an exception
     * @throws CommandTimeoutException if it ran longer than {@code timeout}
     * @throws IOException if it could not be started (for example, it is not installed)
     */
    CommandResult run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException;

    /**
     * What a command did.
     *
     * @param exitCode its exit code
     * @param stdout what it printed on standard output
     * @param stderr what it printed on standard error
     */
    record CommandResult(int exitCode, String stdout, String stderr) {
    }

    /** A command was killed because it ran longer than its timeout. */
    final class CommandTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        CommandTimeoutException(String message) {
            super(message);
        }
    }
}
