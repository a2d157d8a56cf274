package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.Job;
import dev.persist.JobOptions;
import dev.persist.JobStatus;
import dev.persist.core.JobNames;
import dev.persist.core.JobRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmitCommandTest extends CliTestBase {

    /** Arguments a shell would interpret, if one were in the way. */
    static final List<String> HOSTILE_ARGUMENTS = List.of("a b", "'single'", "\"double\"", "$HOME", "*", "?",
            "$(touch pwned)", "`touch pwned`", "", "@file", "--name", "-n", "back\\slash", "semi;colon", "new\nline",
            "tab\there", "ünïcödé", "~", "a=b", "|", ">out");

    @Test
    void submitPrintsTheNameAndTheCommandRuns() {
        Result submitted = run("submit", "--name", "hello", "--", "echo", "Hello, World!").ok();

        assertEquals("hello\n", submitted.out());
        assertEquals("hello DONE\n", run("wait", "hello").ok().out());
        assertEquals("Hello, World!\n", run("stdout", "hello").ok().out());
        assertEquals("0\n", run("fetch", "hello").ok().out());
    }

    @Test
    void argumentsReachTheCommandExactly() throws IOException {
        List<String> command = new ArrayList<>(List.of("printf", "[%s]\\n"));
        command.addAll(HOSTILE_ARGUMENTS);
        submit("args", command.toArray(String[]::new));
        run("wait", "args").ok();

        StringBuilder expected = new StringBuilder();
        HOSTILE_ARGUMENTS.forEach(a -> expected.append('[').append(a).append("]\n"));
        assertEquals(expected.toString(), run("stdout", "args").ok().out());
        assertFalse(Files.exists(Path.of("pwned")), "no shell ran the arguments");
    }

    @Test
    void theCommandNeedsNoDashesAndKeepsWhatLooksLikeOptions() {
        run("submit", "--name", "nodash", "printf", "%s\\n", "--json", "-n", "--", "--home").ok();
        run("wait", "nodash").ok();

        assertEquals("--json\n-n\n--\n--home\n", run("stdout", "nodash").out());
    }

    @Test
    void aNonZeroExitMakesTheJobFailedWithThatCode() {
        submit("three", "sh", "-c", "echo out; echo err >&2; exit 3");

        Result waited = run("wait", "three");
        assertEquals(1, waited.code());
        assertEquals("three FAILED\n", waited.out());
        assertEquals("persist: job 'three' failed: exit code 3\n", waited.err());
        Result fetched = run("fetch", "three");
        assertEquals(1, fetched.code());
        assertEquals("", fetched.out());
        assertEquals("persist: Job 'three' failed: exit code 3\n", fetched.err());
        assertEquals("out\n", run("stdout", "three").ok().out());
        assertEquals("err\n", run("stderr", "three").ok().out());
    }

    @Test
    void withoutANameAReadableUniqueOneIsGenerated() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String name = run("submit", "--", "/bin/true").ok().out().strip();
            assertTrue(name.matches("true-[a-z2-9]{5}"), name);
            assertTrue(JobNames.isValid(name));
            names.add(name);
        }
        assertEquals(3, names.size(), names.toString());
        assertEquals(names, new HashSet<>(jobs().list().stream().map(Job::name).toList()));
    }

    @Test
    void resourceOptionsReachTheJob() throws IOException {
        run("submit", "--name", "opts", "--time", "1h30m", "--cpus", "2", "--mem", "1G", "--option", "slots=3",
                "--", "true").ok();
        run("wait", "opts").ok();

        JobRecord record = JobRecord.fromJson(Files.readString(jobs().open("opts").directory().resolve("job.json")));
        assertEquals(JobOptions.backend("local").timeLimit(Duration.ofMinutes(90)).cpus(2).memory("1G")
                .option("slots", "3"), record.options());
        assertTrue(run("info", "opts").ok().out().contains("Time limit: 90 min\n"));
    }

    @Test
    void theTimeLimitStopsTheJob() {
        run("submit", "--name", "slow", "--time", "1s", "--", "sleep", "60").ok();

        Result waited = run("wait", "slow", "--timeout", "30s");
        assertEquals(1, waited.code(), waited.err());
        assertTrue(waited.err().contains("time limit of 1 s reached"), waited.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a b", "$(x)", ".hidden", "-x", "a/b", ""})
    void hostileNamesAreUsageErrorsAndLeaveNothing(String name) throws IOException {
        Result result = run("submit", "--name", name, "--", "true");

        assertEquals(2, result.code());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("persist: Invalid job name"), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(!Files.exists(home.resolve("jobs")) || Files.list(home.resolve("jobs")).findAny().isEmpty());
    }

    @Test
    void aNameTooLongIsAUsageError() {
        Result result = run("submit", "--name", "x".repeat(129), "--", "true");

        assertEquals(2, result.code());
        assertTrue(result.err().contains("1 to 128 characters"), result.err());
    }

    @Test
    void aTakenNameIsRefusedAndTheFirstJobIsKept() {
        submit("taken", "echo", "first");
        run("wait", "taken").ok();

        Result again = run("submit", "--name", "taken", "--", "echo", "second");

        assertEquals(1, again.code());
        assertTrue(again.err().startsWith("persist: A job named 'taken' already exists"), again.err());
        assertEquals("first\n", run("stdout", "taken").out());
    }

    @Test
    void badOptionsSayWhatIsAllowed() {
        assertUsage(run("submit", "--time", "soon", "--", "true"), "Invalid duration 'soon': use a number with units");
        assertUsage(run("submit", "--time", "0s", "--", "true"), "Invalid time limit PT0S: it must be at least 1 second");
        assertUsage(run("submit", "--mem", "lots", "--", "true"), "Invalid memory 'lots'");
        assertUsage(run("submit", "--cpus", "0", "--", "true"), "Invalid CPU count 0");
        assertUsage(run("submit", "--option", "slots", "--", "true"), "should be in KEY=VALUE format");
        assertUsage(run("submit", "--option", "colour=blue", "--", "true"), "Unknown option 'colour' for backend 'local'");
        assertUsage(run("submit", "--backend", "locl", "--", "true"), "Unknown backend 'locl'; known backends: local, slurm. "
                + "Did you mean 'local'?");
        assertUsage(run("submit", "--name", "x"), "Missing required parameter: 'COMMAND'");
        assertUsage(run("submit", "--nmae", "x", "--", "true"), "Unknown option: '--nmae'");
        assertEquals(List.of(), jobs().list());
    }

    private static void assertUsage(Result result, String message) {
        assertEquals(2, result.code(), result.err());
        assertTrue(result.err().contains(message), result.err());
        assertEquals(1, result.err().lines().count(), "one line: " + result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace");
    }

    @Test
    void aMissingProgramFailsTheJobWithTheShellsCode() {
        submit("missing", "/no/such/program");

        Result waited = run("wait", "missing");
        assertEquals(1, waited.code());
        assertTrue(waited.err().contains("exit code 127"), waited.err());
        assertEquals(JobStatus.FAILED, jobs().open("missing").status());
    }
}
