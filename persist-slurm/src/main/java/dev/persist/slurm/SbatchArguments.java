package dev.persist.slurm;

import dev.persist.JobOptions;
import dev.persist.spi.LaunchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The options the Slurm backend understands, and the {@code sbatch} command line for a job. Every
 * value becomes exactly one argument; nothing passes through a shell.
 */
final class SbatchArguments {

    /** Options naming a Slurm resource; {@code partition} becomes sbatch's {@code --partition}, and so on. */
    static final List<String> RESOURCES = List.of("partition", "account", "qos", "constraint", "gres", "gpus");
    /** An option {@code sbatch.NAME} becomes {@code --NAME=VALUE}, or {@code --NAME} if the value is empty. */
    static final String EXTRA = "sbatch.";
    /**
     * How long before Slurm's time limit the job's wrapper is warned (USR1) so that it records the
     * time limit and stops the job gracefully. Slurm checks limits every 30 s and sends the warning
     * at the first check within this lead, so it arrives 10 to 40 s before the limit.
     */
    static final Duration WARNING_LEAD = Duration.ofSeconds(10);

    private static final Pattern EXTRA_NAME = Pattern.compile("[a-z][a-z0-9-]+");
    private static final Pattern VALUE = Pattern.compile("\\S+");
    private static final Map<String, String> RESERVED = reserved();

    private SbatchArguments() {
    }

    /** sbatch options that {@code sbatch.NAME} may not set, and why. */
    private static Map<String, String> reserved() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String own : List.of("parsable", "job-name", "chdir", "output", "error", "input", "open-mode",
                "export", "export-file", "signal", "no-requeue")) {
            m.put(own, "Persist sets --" + own + " itself");
        }
        m.put("time", "use JobOptions.timeLimit(...)");
        m.put("cpus-per-task", "use JobOptions.cpus(...)");
        m.put("mem", "use JobOptions.memory(...)");
        for (String key : RESOURCES) {
            m.put(key, "use the option '" + key + "'");
        }
        m.put("requeue", "a Persist job runs once: a second run would overwrite the first one's records");
        m.put("array", "a Persist job is one Slurm job; submit one Persist job per element instead");
        m.put("wrap", "Persist runs the job's own wrapper");
        m.put("wait", "it would block the submission until the job ends");
        m.put("test-only", "it would not submit the job");
        return Collections.unmodifiableMap(m);
    }

    /**
     * @param options a job's options
     * @throws IllegalArgumentException naming an option the Slurm backend does not understand or
     *     a value it cannot use, and what is allowed
     */
    static void validate(JobOptions options) {
        for (Map.Entry<String, String> option : options.options().entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (RESOURCES.contains(key)) {
                if (!VALUE.matcher(value).matches()) {
                    throw new IllegalArgumentException("Invalid value '" + value + "' for option '" + key
                            + "' of backend 'slurm': it must be one word, without spaces (as for sbatch --" + key + ")");
                }
            } else if (key.startsWith(EXTRA)) {
                String name = key.substring(EXTRA.length());
                if (!EXTRA_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("Invalid option '" + key + "' for backend 'slurm': after '"
                            + EXTRA + "' comes the name of a long sbatch option, such as " + EXTRA + "exclusive or "
                            + EXTRA + "mail-type (lower-case letters, digits and '-')");
                }
                String why = RESERVED.get(name);
                if (why != null) {
                    throw new IllegalArgumentException("Option '" + key + "' is not allowed for backend 'slurm': " + why);
                }
                // sbatch, like getopt_long, takes an unambiguous abbreviation for the whole option name.
                for (Map.Entry<String, String> reserved : RESERVED.entrySet()) {
                    if (reserved.getKey().startsWith(name)) {
                        throw new IllegalArgumentException("Option '" + key + "' is not allowed for backend 'slurm': "
                                + "sbatch would read --" + name + " as --" + reserved.getKey() + ", and "
                                + reserved.getValue());
                    }
                }
            } else {
                throw new IllegalArgumentException("Unknown option '" + key + "' for backend 'slurm'; it understands "
                        + String.join(", ", RESOURCES) + ", and " + EXTRA + "NAME for any other long sbatch"
                        + " option --NAME (value empty for a flag), such as " + EXTRA + "exclusive or "
                        + EXTRA + "mail-type=END");
            }
        }
    }

    /**
     * @param request a job to submit, with validated options
     * @param script the batch script, which runs its arguments
     * @return the sbatch command line, program first
     * @throws IOException if the job's files cannot be named to Slurm
     */
    static List<String> of(LaunchRequest request, Path script) throws IOException {
        JobOptions options = request.options();
        List<String> argv = new ArrayList<>();
        argv.add("sbatch");
        argv.add("--parsable");
        argv.add("--job-name=" + request.name());
        argv.add("--chdir=" + request.workingDirectory());
        argv.add("--output=" + filePattern(request.stdout()));
        argv.add("--error=" + filePattern(request.stderr()));
        argv.add("--open-mode=append");
        argv.add("--export=ALL"); // the environment is sbatch's own, see SlurmJobManager.launch
        argv.add("--no-requeue");
        argv.add("--signal=B:USR1@" + WARNING_LEAD.toSeconds());
        options.timeLimit().ifPresent(limit -> argv.add("--time=" + minutes(limit)));
        options.cpus().ifPresent(cpus -> argv.add("--cpus-per-task=" + cpus));
        options.memoryMegabytes().ifPresent(mb -> argv.add("--mem=" + mb + "M"));
        for (Map.Entry<String, String> option : options.options().entrySet()) {
            String key = option.getKey();
            String name = "--" + (RESOURCES.contains(key) ? key : key.substring(EXTRA.length()));
            argv.add(option.getValue().isEmpty() ? name : name + "=" + option.getValue());
        }
        argv.add(script.toString());
        argv.addAll(request.command());
        return argv;
    }

    /**
     * @param limit a time limit
     * @return it in whole minutes, rounded up: Slurm's resolution
     */
    static long minutes(Duration limit) {
        return (limit.toSeconds() + 59) / 60;
    }

    /** A file name for --output/--error, where Slurm expands %j and friends and "%%" is "%". */
    static String filePattern(Path file) throws IOException {
        String name = file.toString();
        if (name.indexOf('\\') >= 0) {
            // Slurm treats a backslash in --output as "no substitutions" and then cannot open the file.
            throw new IOException("Slurm cannot write the job's output to " + file
                    + ": the path contains a backslash. Use a Persist home without backslashes");
        }
        return name.replace("%", "%%");
    }
}
