package dev.persist.cli;

import dev.persist.Persist;
import dev.persist.PersistException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class JShellCommand extends JobCommand {

    /** The startup script in persist-core's jar. */
    private static final String STARTUP = "/dev/persist/core/persist.jsh";

    private final OptionSpec classPath = OptionSpec.builder("--class-path").paramLabel("PATH").type(String.class)
            .description("Your jars and class directories, added to Persist's (':'-separated)").build();
    private final PositionalParamSpec jshellArguments = PositionalParamSpec.builder().paramLabel("JSHELL_ARG")
            .arity("0..*").type(List.class).auxiliaryTypes(String.class)
            .description("Passed on to jshell (put them after --), such as a script to load").build();

    JShellCommand(PersistCommand persist) {
        super(persist, "jshell", "Start JShell with Persist on the class path and dev.persist.* imported.",
                "Lambdas persisted there may use the session's variables, methods, classes and records; "
                        + "jobs keep running after JShell exits.");
        spec.addOption(classPath).addPositional(jshellArguments);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        String classPath = this.classPath.getValue();
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        if (!Files.isExecutable(jshell)) {
            throw new PersistException("There is no jshell in " + System.getProperty("java.home")
                    + ": persist jshell needs a JDK; set JAVA_HOME to one (17 or newer)");
        }
        Path startup = Files.createTempFile("persist-", ".jsh");
        try {
            try (InputStream script = Objects.requireNonNull(Persist.class.getResourceAsStream(STARTUP),
                    "persist.jsh is packaged with persist-core")) {
                Files.copy(script, startup, StandardCopyOption.REPLACE_EXISTING);
            }
            String path = persistClassPath() + (classPath == null || classPath.isEmpty() ? "" : File.pathSeparator + classPath);
            List<String> command = new ArrayList<>(List.of(jshell.toString(), "--class-path", path,
                    "-R-D" + Persist.HOME_PROPERTY + "=" + persist.home().toAbsolutePath().normalize(), "--startup", "DEFAULT",
                    "--startup", startup.toString()));
            command.addAll(Args.strings(jshellArguments));
            out().flush();
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /**
     * Persist's jars: every jar of the distribution's {@code lib/} when this runs from there, else
     * this JVM's class path.
     */
    private static String persistClassPath() {
        Path lib = location(Persist.class).getParent();
        if (lib != null && Files.isRegularFile(lib.resolve("persist-cli.jar"))) {
            try (Stream<Path> jars = Files.list(lib)) {
                return String.join(File.pathSeparator, jars.filter(p -> p.toString().endsWith(".jar"))
                        .map(Path::toString).sorted().toList());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + lib, e);
            }
        }
        return System.getProperty("java.class.path");
    }

    private static Path location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        try {
            return source == null ? Path.of("") : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            return Path.of("");
        }
    }
}
