package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.BackendInfo;
import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.Persist;
import dev.persist.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backends dropped into {@code <home>/plugins/} as jars built here, working and broken. */
class PluginTest extends CliTestBase {

    private Path plugins() throws IOException {
        return Files.createDirectories(home.resolve("plugins"));
    }

    private Path shPlugin() throws IOException {
        return PluginJars.build(plugins().resolve("a-sh.jar"), "1.2.3", List.of("test.sh.ShBackend"),
                Map.of("test.sh.ShBackend", PluginJars.SH_BACKEND));
    }

    @Test
    void aDroppedInBackendIsListedAndRunsJobs() throws IOException {
        Path jar = shPlugin();

        Result backends = run("backends").ok();
        assertEquals("", backends.err());
        List<String> lines = backends.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME +VERSION +LOCATION"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("local +\\S+ +\\S+persist-local\\S*")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("sh +1\\.2\\.3 +" + jar)), lines.toString());

        run("submit", "--name", "via-sh", "--backend", "sh", "--", "sh", "-c", "echo through $0; exit 0").ok();
        assertEquals("via-sh DONE\n", run("wait", "via-sh", "--timeout", "60s").ok().out());
        assertEquals("through sh\n", run("stdout", "via-sh").ok().out());
        assertTrue(run("info", "via-sh").ok().out().contains("Backend:    sh: sh process "));
        assertEquals("0\n", run("fetch", "via-sh").ok().out());
    }

    @Test
    void aJobOnAPluginBackendCanBeCancelled() throws IOException {
        shPlugin();
        run("submit", "--name", "sh-long", "--backend", "sh", "--", "sleep", "300").ok();

        assertEquals("sh-long CANCELLED\n", run("cancel", "sh-long").ok().out());
        assertEquals(JobStatus.CANCELLED, jobs().open("sh-long").status());
    }

    @Test
    void brokenPluginsAreNamedAndTheOthersStillWork() throws IOException {
        Path sh = shPlugin();
        // A constructor that throws, here because the plugin cannot see Guice (only the API).
        Path boom = PluginJars.build(plugins().resolve("b-boom.jar"), "0.1", List.of("test.boom.Boom"), Map.of(
                "test.boom.Boom", """
                        package test.boom;
                        public final class Boom extends test.sh.Base {
                            public Boom() throws ClassNotFoundException {
                                Class.forName("com.google.inject.Guice");
                            }
                        }
                        """, "test.sh.Base", base("boom")));
        // A jar without a provider.
        Path empty = PluginJars.build(plugins().resolve("c-empty.jar"), "0.1", List.of(),
                Map.of("test.empty.Nothing", "package test.empty; public final class Nothing {}"));
        // A second backend named sh.
        Path dup = PluginJars.build(plugins().resolve("d-dup.jar"), "9.9", List.of("test.dup.Again"), Map.of(
                "test.dup.Again", "package test.dup; public final class Again extends test.sh.Base {}",
                "test.sh.Base", base("sh")));
        // A provider that is listed but missing.
        Path missing = PluginJars.build(plugins().resolve("e-missing.jar"), "0.1", List.of("test.gone.Gone"),
                Map.of("test.other.Other", "package test.other; public final class Other {}"));

        Result backends = run("backends").ok();

        List<String> names = backends.out().lines().skip(1).map(l -> l.split(" +")[0]).toList();
        assertEquals(List.of("local", "sh", "slurm"), names);
        assertTrue(backends.out().lines().anyMatch(l -> l.matches("sh +1\\.2\\.3 +" + sh)), "the first sh wins: " + backends.out());
        List<String> problems = backends.err().lines().toList();
        assertEquals(4, problems.size(), backends.err());
        assertEquals("persist: Plugin " + empty + " holds no backend: it has no "
                + "META-INF/services/dev.persist.spi.JobManager naming a class; remove it, or add that file", problems.get(0));
        assertEquals("persist: Plugin " + missing + ": Backend test.gone.Gone, listed in jar:file:" + missing
                + "!/META-INF/services/dev.persist.spi.JobManager, cannot be loaded: "
                + "java.lang.ClassNotFoundException: test.gone.Gone", problems.get(1));
        assertEquals("persist: Backend test.boom.Boom (" + boom + ") could not be created, so it is skipped: "
                + "java.lang.ClassNotFoundException: com.google.inject.Guice", problems.get(2));
        assertEquals("persist: Two backends are named 'sh': test.sh.ShBackend (" + sh + ") and test.dup.Again ("
                + dup + "); using the first. Remove one of the jars.", problems.get(3));

        Map<?, ?> json = (Map<?, ?>) Json.parse(run("backends", "--json").ok().out());
        assertEquals(4, ((List<?>) json.get("problems")).size());
        assertEquals(3, ((List<?>) json.get("backends")).size());

        run("submit", "--name", "still-sh", "--backend", "sh", "--", "true").ok();
        run("submit", "--name", "still-local", "--", "true").ok();
        assertEquals("still-sh DONE\nstill-local DONE\n", run("wait", "still-sh", "still-local").ok().out());
    }

    /** A backend that does nothing but has a name. */
    private static String base(String id) {
        return """
                package test.sh;
                import dev.persist.spi.*;
                import java.util.*;
                public abstract class Base implements JobManager {
                    public String id() { return "%s"; }
                    public Map<String, String> launch(LaunchRequest r) { throw new UnsupportedOperationException(); }
                    public Map<String, BackendState> query(List<JobRef> jobs) { return Map.of(); }
                    public String describe(JobRef job) { return ""; }
                    public void cancel(JobRef job) { }
                }
                """.formatted(id);
    }

    @Test
    void aPluginDirectoryOthersCanWriteIsRefused() throws IOException {
        shPlugin();
        Files.setPosixFilePermissions(plugins(), PosixFilePermissions.fromString("rwxrwxrwx"));

        Result backends = run("backends").ok();

        assertEquals(List.of("local", "slurm"), backends.out().lines().skip(1).map(l -> l.split(" +")[0]).toList());
        assertEquals("persist: Refusing the plugin directory " + plugins() + ": it has permissions rwxrwxrwx and can "
                + "be written by other users; if you trust it, run: chmod go-w " + plugins()
                + "; its plugins are skipped\n", backends.err());
    }

    @Test
    void theLibraryLoadsPluginsToo() throws IOException {
        Path jar = shPlugin();

        List<BackendInfo> backends = Persist.jobs(home).backends();

        assertTrue(backends.contains(new BackendInfo("sh", "1.2.3", jar.toString())), backends.toString());
        Job<Integer> job = Persist.jobs(home).submit("lib-sh", JobOptions.backend("sh"), List.of("sh", "-c", "exit 6"));
        assertEquals(JobStatus.FAILED, job.await(Duration.ofMinutes(1)));
        assertEquals(6, job.summary().exitCode());
    }

    @Test
    void pluginsOfTheDistributionDirectoryAreLoadedFirst() throws IOException {
        Path distribution = Files.createDirectories(home.resolve("dist-plugins"));
        Path jar = PluginJars.build(distribution.resolve("sh.jar"), "2.0", List.of("test.sh.ShBackend"),
                Map.of("test.sh.ShBackend", PluginJars.SH_BACKEND));
        String previous = System.setProperty(Persist.PLUGINS_PROPERTY, distribution.toString());
        try {
            List<BackendInfo> backends = Persist.jobs(home.resolve("other-home")).backends();
            assertTrue(backends.contains(new BackendInfo("sh", "2.0", jar.toString())), backends.toString());
        } finally {
            if (previous == null) {
                System.clearProperty(Persist.PLUGINS_PROPERTY);
            } else {
                System.setProperty(Persist.PLUGINS_PROPERTY, previous);
            }
        }
    }
}
