package dev.persist.cli;

import dev.persist.JobExistsException;
import dev.persist.JobOptions;
import dev.persist.core.JobNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", sortOptions = false,
        description = {"Run COMMAND as a persistent job and print its name.",
            "COMMAND runs directly, not through a shell, in this directory and environment; its output goes to the "
                    + "job's stdout and stderr, its exit code is the job's result (non-zero: FAILED)."})
final class SubmitCommand extends JobCommand {

    /** How many generated names are tried before giving up (a clash is already unlikely). */
    private static final int NAME_ATTEMPTS = 20;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Job name: 1 to 128 characters of [A-Za-z0-9._-], not starting with '.' or '-' "
                    + "(default: the program's name and a random suffix)")
    private String name;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "local",
            description = "Backend to run on (default: ${DEFAULT-VALUE}; see 'persist backends')")
    private String backend;

    @Option(names = "--time", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time limit, such as 90s, 30m, 1h30m or PT2H; the job is stopped and FAILED when it is reached")
    private Duration time;

    @Option(names = "--cpus", paramLabel = "N", description = "CPUs the job uses")
    private Integer cpus;

    @Option(names = "--mem", paramLabel = "M", description = "Memory the job uses, such as 512M or 16G")
    private String memory;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "A backend-specific option, such as slots=2 for local; repeatable")
    private Map<String, String> options = new LinkedHashMap<>();

    @Parameters(paramLabel = "COMMAND", arity = "1..*",
            description = "The program and its arguments; put -- before them if they start with '-'")
    private List<String> command;

    @Override
    public Integer call() {
        JobOptions jobOptions = JobOptions.backend(backend);
        if (time != null) {
            jobOptions = jobOptions.timeLimit(time);
        }
        if (cpus != null) {
            jobOptions = jobOptions.cpus(cpus);
        }
        if (memory != null) {
            jobOptions = jobOptions.memory(memory);
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            jobOptions = jobOptions.option(option.getKey(), option.getValue());
        }
        out().println(name != null ? jobs().submit(name, jobOptions, command).name() : submitUnnamed(jobOptions));
        return ExitCodes.OK;
    }

    private String submitUnnamed(JobOptions jobOptions) {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 1; ; attempt++) {
            try {
                return jobs().submit(JobNames.generate(command.get(0), random), jobOptions, command).name();
            } catch (JobExistsException e) {
                if (attempt == NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
