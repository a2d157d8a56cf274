package dev.persist.cli;

import dev.persist.JobExistsException;
import dev.persist.JobOptions;
import dev.persist.core.JobNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class SubmitCommand extends JobCommand {

    /** How many generated names are tried before giving up (a clash is already unlikely). */
    private static final int NAME_ATTEMPTS = 20;

    private final OptionSpec name = OptionSpec.builder("--name").paramLabel("NAME").type(String.class)
            .description("Job name: 1 to 128 characters of [A-Za-z0-9._-], not starting with '.' or '-' "
                    + "(default: the program's name and a random suffix)").build();
    private final OptionSpec backend = OptionSpec.builder("--backend").paramLabel("B").type(String.class)
            .defaultValue("local").description("Backend to run on (default: ${DEFAULT-VALUE}; see 'persist backends')")
            .build();
    private final OptionSpec time = OptionSpec.builder("--time").paramLabel("DURATION").type(Duration.class)
            .converters(new DurationConverter())
            .description("Time limit, such as 90s, 30m, 1h30m or PT2H; the job is stopped and FAILED when it is reached")
            .build();
    private final OptionSpec cpus = OptionSpec.builder("--cpus").paramLabel("N").type(Integer.class)
            .description("CPUs the job uses").build();
    private final OptionSpec memory = OptionSpec.builder("--mem").paramLabel("M").type(String.class)
            .description("Memory the job uses, such as 512M or 16G").build();
    private final OptionSpec options = OptionSpec.builder("--option").paramLabel("KEY=VALUE").type(Map.class)
            .auxiliaryTypes(String.class, String.class)
            .description("A backend-specific option, such as slots=2 for local; repeatable").build();
    private final PositionalParamSpec command = PositionalParamSpec.builder().paramLabel("COMMAND").arity("1..*")
            .required(true)
            .type(List.class).auxiliaryTypes(String.class)
            .description("The program and its arguments; put -- before them if they start with '-'").build();

    SubmitCommand(PersistCommand persist) {
        super(persist, "submit", "Run COMMAND as a persistent job and print its name.",
                "COMMAND runs directly, not through a shell, in this directory and environment; its output goes to the "
                        + "job's stdout and stderr, its exit code is the job's result (non-zero: FAILED).");
        spec.addOption(name).addOption(backend).addOption(time).addOption(cpus)
                .addOption(memory).addOption(options).addPositional(command);
    }

    @Override
    public Integer call() {
        String name = this.name.getValue();
        List<String> command = this.command.getValue();
        Duration time = this.time.getValue();
        Integer cpus = this.cpus.getValue();
        String memory = this.memory.getValue();
        Map<String, String> options = this.options.getValue();
        JobOptions jobOptions = JobOptions.backend(backend.getValue());
        if (time != null) {
            jobOptions = jobOptions.timeLimit(time);
        }
        if (cpus != null) {
            jobOptions = jobOptions.cpus(cpus);
        }
        if (memory != null) {
            jobOptions = jobOptions.memory(memory);
        }
        if (options != null) { // null when no --option was given
            for (Map.Entry<String, String> option : options.entrySet()) {
                jobOptions = jobOptions.option(option.getKey(), option.getValue());
            }
        }
        out().println(name != null ? jobs().submit(name, jobOptions, command).name() : submitUnnamed(command, jobOptions));
        return ExitCodes.OK;
    }

    private String submitUnnamed(List<String> command, JobOptions jobOptions) {
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
