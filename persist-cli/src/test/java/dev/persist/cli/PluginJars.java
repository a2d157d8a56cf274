package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/** Builds backend plugin jars at test time: compiles sources against the API and packs them. */
final class PluginJars {

    /** A backend named {@code sh}: runs the job's wrapper as a plain child process, without setsid. */
    static final String SH_BACKEND = """
            package test.sh;

            import dev.persist.spi.BackendState;
            import dev.persist.spi.JobManager;
            import dev.persist.spi.JobRef;
            import dev.persist.spi.LaunchRequest;
            import jakarta.inject.Inject;
            import java.io.File;
            import java.io.IOException;
            import java.time.Clock;
            import java.util.HashMap;
            import java.util.List;
            import java.util.Map;

            public final class ShBackend implements JobManager {
                private final Clock clock;

                @Inject
                public ShBackend(Clock clock) {
                    this.clock = clock;
                }

                @Override
                public String id() {
                    return "sh";
                }

                @Override
                public Map<String, String> launch(LaunchRequest request) throws IOException {
                    ProcessBuilder builder = new ProcessBuilder(request.command())
                            .directory(request.workingDirectory().toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(request.stdout().toFile()))
                            .redirectError(ProcessBuilder.Redirect.appendTo(request.stderr().toFile()));
                    builder.environment().putAll(request.environment());
                    Process process = builder.start();
                    return Map.of("pid", Long.toString(process.pid()), "launched", clock.instant().toString());
                }

                @Override
                public Map<String, BackendState> query(List<JobRef> jobs) {
                    Map<String, BackendState> states = new HashMap<>();
                    for (JobRef job : jobs) {
                        boolean alive = ProcessHandle.of(pid(job)).filter(ProcessHandle::isAlive).isPresent();
                        states.put(job.name(), BackendState.of(alive ? BackendState.Phase.ACTIVE : BackendState.Phase.GONE));
                    }
                    return states;
                }

                @Override
                public String describe(JobRef job) {
                    return "sh process " + pid(job);
                }

                @Override
                public void cancel(JobRef job) throws IOException {
                    // TERM to the wrapper and what it started, again until it is gone: a signal that
                    // comes before the wrapper has started the command reaches only the wrapper.
                    ProcessHandle process = ProcessHandle.of(pid(job)).orElse(null);
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (process != null && process.isAlive()) {
                        if (System.nanoTime() > deadline) {
                            throw new IOException("job " + job.name() + " did not stop");
                        }
                        process.descendants().forEach(ProcessHandle::destroy);
                        process.destroy();
                        try {
                            process.onExit().get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                        } catch (java.util.concurrent.TimeoutException e) {
                            // signal again
                        } catch (Exception e) {
                            throw new IOException("cannot wait for job " + job.name() + ": " + e);
                        }
                    }
                }

                private static long pid(JobRef job) {
                    return Long.parseLong(job.handle().get("pid"));
                }
            }
            """;

    private PluginJars() {
    }

    /**
     * @param jar the jar to write
     * @param version its Implementation-Version
     * @param services the classes to list in META-INF/services/dev.persist.spi.JobManager; none for no file
     * @param sources source text by binary class name
     * @return the jar
     */
    static Path build(Path jar, String version, List<String> services, Map<String, String> sources) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), ".build-");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of(
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), "-proc:none"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new)),
                "the plugin's sources compile");

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                add(out, classes.relativize(file).toString(), Files.readAllBytes(file));
            }
            if (!services.isEmpty()) {
                add(out, "META-INF/services/dev.persist.spi.JobManager", (String.join("\n", services) + "\n").getBytes());
            }
        }
        dev.persist.core.SecureFiles.deleteRecursively(work);
        return jar;
    }

    private static void add(JarOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(content);
        out.closeEntry();
    }
}
