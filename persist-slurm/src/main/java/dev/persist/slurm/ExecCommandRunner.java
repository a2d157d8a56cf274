package dev.persist.slurm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs commands with Apache Commons Exec: the argument vector is built one argument at a time
 * without Commons Exec's quoting (which would pass literal quote characters on Linux), a watchdog
 * kills a command that outlives its timeout, and both output streams are captured.
 */
final class ExecCommandRunner implements CommandRunner {

    @Override
    public CommandResult run(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException {
        CommandLine line = new CommandLine(command.get(0));
        for (String argument : command.subList(1, command.size())) {
            line.addArgument(argument, false);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(stdout, stderr))
                .get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // the caller reads the exit code
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(environment);
        int exitCode;
        try {
            exitCode = executor.execute(line, env);
        } catch (IOException e) {
            if (watchdog.killedProcess()) {
                throw timeout(command, timeout);
            }
            throw new IOException("Cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is Slurm installed, and is " + command.get(0) + " on the PATH?)", e);
        }
        if (watchdog.killedProcess()) {
            throw timeout(command, timeout);
        }
        return new CommandResult(exitCode, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private static CommandTimeoutException timeout(List<String> command, Duration timeout) {
        return new CommandTimeoutException(command.get(0) + " did not finish within " + timeout.toMillis()
                + " ms and was killed");
    }
}
