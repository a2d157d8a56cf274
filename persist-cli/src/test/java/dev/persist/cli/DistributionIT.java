package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution, through its real launcher {@code bin/persist}: runs after {@code package}
 * (failsafe), as a person's shell would run it.
 */
class DistributionIT {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("persist.distribution", "target/persist"));
    private static final Path LAUNCHER = DISTRIBUTION.resolve("bin/persist");

    @TempDir
    Path home;

    @TempDir
    Path scratch;

    record Run(int code, String out, String err) {
    }

    private Run persist(Map<String, String> environment, Path launcher, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "--home", home.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile())
                .redirectOutput(scratch.resolve("out").toFile()).redirectError(scratch.resolve("err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "persist " + String.join(" ", args) + " ended");
        return new Run(process.exitValue(), Files.readString(scratch.resolve("out")), Files.readString(scratch.resolve("err")));
    }

    private Run persist(String... args) throws IOException, InterruptedException {
        return persist(Map.of(), LAUNCHER, args);
    }

    @AfterEach
    void stopJobs() throws IOException, InterruptedException {
        persist("cancel", "long");
    }

    @Test
    void aJobRunsThroughTheLauncherWithItsArgumentsIntact() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("submit", "--name", "args", "--", "printf", "[%s]\\n"));
        args.addAll(SubmitCommandTest.HOSTILE_ARGUMENTS);
        Run submitted = persist(args.toArray(String[]::new));
        assertEquals(new Run(0, "args\n", ""), submitted);

        assertEquals(new Run(0, "args DONE\n", ""), persist("wait", "args", "--timeout", "60s"));
        StringBuilder expected = new StringBuilder();
        SubmitCommandTest.HOSTILE_ARGUMENTS.forEach(a -> expected.append('[').append(a).append("]\n"));
        assertEquals(new Run(0, expected.toString(), ""), persist("stdout", "args"));
        assertFalse(Files.exists(scratch.resolve("pwned")), "no shell evaluated an argument");
        assertEquals(new Run(0, "0\n", ""), persist("fetch", "args"));
    }

    @Test
    void exitCodesThroughTheLauncher() throws IOException, InterruptedException {
        persist("submit", "--name", "three", "--", "sh", "-c", "exit 3");
        persist("submit", "--name", "long", "--", "sleep", "300");

        assertEquals(new Run(1, "three FAILED\n", "persist: job 'three' failed: exit code 3\n"), persist("wait", "three"));
        Run timedOut = persist("wait", "long", "--timeout", "1s");
        assertEquals(4, timedOut.code(), timedOut.err());
        assertEquals(3, persist("status", "ghost").code());
        Run invalid = persist("status", "../x");
        assertEquals(2, invalid.code());
        assertEquals(1, invalid.err().lines().count(), invalid.err());
        assertEquals(2, persist("submit", "--time", "forever", "--", "true").code());
        assertEquals(new Run(0, "long CANCELLED\n", ""), persist("cancel", "long"));
    }

    @Test
    void theLauncherWorksThroughASymbolicLinkAndWithJavaHome() throws IOException, InterruptedException {
        Path link = Files.createSymbolicLink(scratch.resolve("persist-link"), LAUNCHER.toAbsolutePath());

        Run version = persist(Map.of("JAVA_HOME", System.getProperty("java.home")), link, "--version");

        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("persist 0.1.0-SNAPSHOT\nJava "), version.out());
        assertEquals("", version.err());
        Files.delete(link);
    }

    @Test
    void theClassDataArchiveIsUsed() throws IOException, InterruptedException {
        Path log = scratch.resolve("classes.log");

        Run run = persist(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), LAUNCHER, "status", "ghost");

        assertEquals(3, run.code(), run.err());
        String loaded = Files.readString(log);
        for (String type : List.of("dev.persist.cli.Main", "dev.persist.core.JobStore", "dev.persist.Jobs",
                "picocli.CommandLine", "picocli.CommandLine$Model$CommandSpec")) {
            assertTrue(loaded.contains("] " + type + " source: shared objects file\n"), type + " comes from lib/persist.jsa");
        }
    }

    @Test
    void picocliIsCompiledForJava17() throws IOException {
        // picocli's own jar holds Java 5 class files, which the archive would hold unverified (the
        // old verifier then checks them at every start): the distribution's are compiled again.
        try (JarFile jar = new JarFile(System.getProperty("persist.picocli"))) {
            for (String type : List.of("picocli/CommandLine.class", "picocli/CommandLine$Model$CommandSpec.class")) {
                try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getJarEntry(type)))) {
                    assertEquals(0xCAFEBABE, in.readInt(), type);
                    in.readUnsignedShort();
                    assertEquals(61, in.readUnsignedShort(), type + ": class file version");
                }
            }
            assertTrue(jar.getJarEntry("META-INF/LICENSE") != null, "picocli's licence goes with it");
        }
    }

    @Test
    void aJobsStatusNeedsNoBackendOnceItRunsOrEndedAndCancellingConstructsOnlyItsOwn()
            throws IOException, InterruptedException {
        persist("submit", "--name", "quick", "--", "true");
        persist("wait", "quick");
        persist("submit", "--name", "long", "--", "sleep", "300");
        Path started = home.resolve("jobs/long/started");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(started) || Files.size(started) == 0) { // the wrapper names itself in it
            assertTrue(System.nanoTime() < deadline, "the job's wrapper started within 10 s");
            Thread.sleep(20);
        }

        Map<String, String> logs = new LinkedHashMap<>();
        for (String job : List.of("quick", "long")) {
            Path log = scratch.resolve(job + ".log");
            Run status = persist(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), LAUNCHER, "status", job);
            assertEquals(0, status.code(), status.err());
            logs.put(status.out(), Files.readString(log));
        }
        assertEquals(List.of("quick DONE\n", "long RUNNING\n"), List.copyOf(logs.keySet()));
        // (Some classes, Kryo's among them, are linked from the archive; none of this work is done.)
        // Nor does it read annotations (a proxy class per annotation type), set up picocli's converters
        // for java.sql and java.time types, or java.time's formatting.
        for (String type : List.of("com.google.inject.Guice", "dev.persist.local.LocalJobManager",
                "dev.persist.core.Plugins$SharedApiLoader", "java.lang.reflect.Proxy", "java.sql.Connection",
                "java.time.format.DateTimeFormatter")) {
            logs.forEach((out, loaded) -> assertFalse(loaded.contains("] " + type + " source:"),
                    out.strip() + ": " + type + " is not loaded"));
        }

        Path cancel = scratch.resolve("cancel.log");
        assertEquals(0, persist(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + cancel), LAUNCHER,
                "cancel", "long").code());
        String loaded = Files.readString(cancel);
        assertTrue(loaded.contains("] dev.persist.local.LocalJobManager source:"), "cancelling asks the job's backend");
        assertFalse(loaded.contains("] dev.persist.slurm.ExecCommandRunner source:"), "and constructs no other backend");
    }

    @Test
    void followingStopsWhenTheReaderGoesAway() throws IOException, InterruptedException {
        persist("submit", "--name", "long", "--", "sh", "-c", "echo 1; sleep 1; echo 2; sleep 1; echo 3; sleep 300");
        Process pipeline = new ProcessBuilder("sh", "-c", "\"$0\" --home \"$1\" stdout --follow long | head -n 1",
                LAUNCHER.toString(), home.toString()).redirectErrorStream(true).start();

        assertTrue(pipeline.waitFor(60, TimeUnit.SECONDS), "persist stopped soon after head exited");
        assertEquals("1\n", new String(pipeline.getInputStream().readAllBytes()));
    }

    @Test
    void theRootScriptRunsTheBuiltDistribution() throws IOException, InterruptedException {
        Path script = Path.of("..", "persist").toAbsolutePath().normalize();

        Run version = persist(Map.of(), script, "--version");

        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("persist 0.1.0-SNAPSHOT\n"), version.out());
        assertEquals("", version.err(), "the distribution was up to date: no build");
    }

    @Test
    void theTarballHoldsTheDistributionAndRunsWhereverItIsUnpacked() throws IOException, InterruptedException {
        Path tarball = Path.of(System.getProperty("persist.tarball", "target/persist.tar.gz"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString()).directory(scratch.toFile())
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        Path unpacked = scratch.resolve("persist");

        assertTrue(Files.getPosixFilePermissions(unpacked.resolve("bin/persist")).contains(PosixFilePermission.OTHERS_EXECUTE));
        assertTrue(Files.isDirectory(unpacked.resolve("plugins")));
        assertTrue(Files.isRegularFile(unpacked.resolve("lib/persist-cli.jar")));
        assertTrue(Files.readString(unpacked.resolve("completion/persist.bash")).contains("complete -F"));

        Run help = persist(Map.of(), unpacked.resolve("bin/persist"), "backends");
        assertEquals(0, help.code(), help.err());
        assertEquals("", help.err(), "quiet");
        assertTrue(help.out().contains(unpacked.resolve("lib").toString()), help.out());
        assertFalse(Files.exists(unpacked.resolve("lib/persist.jsa")), "the class data archive fits only where it was made");
    }

    @Test
    void aCopiedDistributionLeavesTheArchiveAsideQuietly() throws IOException, InterruptedException {
        Path copy = scratch.resolve("copy");
        Process cp = new ProcessBuilder("cp", "-R", DISTRIBUTION.toString(), copy.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor());
        assertTrue(Files.exists(copy.resolve("lib/persist.jsa")));
        Path log = scratch.resolve("classes.log");

        Run status = persist(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), copy.resolve("bin/persist"),
                "status", "ghost");

        assertEquals(3, status.code(), status.err());
        assertEquals("", status.out());
        assertEquals(1, status.err().lines().filter(line -> !line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")).count(),
                status.err());
        String loaded = Files.readString(log);
        // An archive whose class path does not fit would leave Java without its own archive too.
        assertTrue(loaded.contains("] java.lang.Object source: shared objects file\n"), "Java's own archive is used");
        assertTrue(loaded.contains("] dev.persist.cli.Main source: file:"), "the distribution's archive is not");
    }

    @Test
    void jshellStartsWithPersistOnTheClassPathAndTheHomeGiven() throws IOException, InterruptedException {
        Path script = scratch.resolve("job.jsh");
        Files.writeString(script, String.join("\n",
                "int n = 21;",
                "var job = Persist.persist(\"from-jshell\", \"local\", () -> n * 2);",
                "System.out.println(\"fetched \" + job.fetch());",
                "/exit", ""));
        Run session = persist("jshell", "--", script.toString());
        assertEquals(0, session.code(), session.err());
        assertTrue(session.out().contains("fetched 42"), session.out());
        assertEquals(new Run(0, "42\n", ""), persist("fetch", "from-jshell"));
    }
}
