package dev.persist.spi;

import dev.persist.JobOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A prepared job for a backend to start. Core has written the job directory; the backend runs
 * {@link #command()} in the background, in {@link #workingDirectory()}, with the submitter's
 * environment plus {@link #environment()}, standard input from {@code /dev/null}, and standard
 * output and error appended to {@link #stdout()} and {@link #stderr()}.
 *
 * <p>The command is the job's wrapper: it records when the job started and how it ended in the
 * job directory, so the backend need not. Pass it as an argument vector, never through a shell.
 *
 * @param name the job's name
 * @param directory the job directory
 * @param home the Persist home the job belongs to
 * @param command the wrapper command line, program first
 * @param workingDirectory where the job runs: the submitter's working directory
 * @param environment variables to set on top of the submitter's environment
 * @param stdout the file to append the job's standard output to
 * @param stderr the file to append the job's standard error to
 * @param options the job's options, already accepted by {@link JobManager#validate}
 */
public record LaunchRequest(String name, Path directory, Path home, List<String> command,
        Path workingDirectory, Map<String, String> environment, Path stdout, Path stderr,
        JobOptions options) {

    /** Checks the components and makes the collections immutable. */
    public LaunchRequest {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(directory, "directory is null");
        Objects.requireNonNull(home, "home is null");
        command = List.copyOf(command);
        Objects.requireNonNull(workingDirectory, "workingDirectory is null");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(stdout, "stdout is null");
        Objects.requireNonNull(stderr, "stderr is null");
        Objects.requireNonNull(options, "options is null");
    }
}
