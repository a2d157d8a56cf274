package dev.persist.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;

/**
 * The options and parameters several commands share, built with picocli's programmatic API. The
 * commands are not annotated: reading annotations makes the JVM generate a proxy class for each
 * annotation type, which no class data archive can hold, and was most of the time a short command
 * spent in picocli.
 */
final class Args {

    private Args() {
    }

    /**
     * @param description what the option does
     * @param names its names
     * @return an option without a value, to build: {@link #isSet} tells whether it was given
     */
    static OptionSpec.Builder flag(String description, String... names) {
        return OptionSpec.builder(names).type(boolean.class).initialValue(false).description(description);
    }

    /**
     * @param option an option from {@link #flag}
     * @return whether the command line gave it
     */
    static boolean isSet(OptionSpec option) {
        return Boolean.TRUE.equals(option.getValue());
    }

    /**
     * @param arity how many names: {@code 1..*}, or {@code 0..*} where something else may take their place
     * @return the job names a command works on, {@code NAME...}
     */
    static PositionalParamSpec names(String arity) {
        return PositionalParamSpec.builder().paramLabel("NAME").arity(arity).required(Range.valueOf(arity).min() > 0)
                .type(List.class).auxiliaryTypes(String.class).description("Job names").build();
    }

    /** @return the one job name a command works on, {@code NAME} */
    static PositionalParamSpec name() {
        return PositionalParamSpec.builder().paramLabel("NAME").arity("1").required(true).type(String.class)
                .description("Job name").build();
    }

    /**
     * @param arg a parameter or option holding a list
     * @return its values; empty if none were given
     */
    static List<String> strings(ArgSpec arg) {
        List<String> values = arg.getValue();
        return values == null ? List.of() : values;
    }

    /** @return {@code --timeout DURATION}, which gives up waiting */
    static OptionSpec timeout() {
        return OptionSpec.builder("--timeout").paramLabel("DURATION").type(Duration.class)
                .converters(new DurationConverter())
                .description("Give up after this long (exit code 4): " + DurationConverter.FORMS).build();
    }

    /**
     * Adds {@code -h, --help} and {@code -V, --version} after a command's own options, as picocli's
     * {@code mixinStandardHelpOptions} does (which would read the annotations of a mixin class).
     *
     * @param spec a command
     * @return the same command
     */
    static CommandSpec withHelpOptions(CommandSpec spec) {
        return spec.addOption(flag("Show this help message and exit.", "-h", "--help").usageHelp(true).build())
                .addOption(flag("Print version information and exit.", "-V", "--version").versionHelp(true).build());
    }
}
