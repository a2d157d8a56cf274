package dev.persist.local;

import static dev.persist.local.LocalTestSupport.signalProcessGroup;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Persist;
import dev.persist.local.LocalTestSupport.ChildJvm;
import dev.persist.local.LocalTestSupport.ProcessId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job outlives the JVM that submitted it, and runs where and with what that JVM had. */
class SubmitterDeathTest extends LocalJobTestBase {

    private ChildJvm submitter(List<String> prefix, Path directory, Map<String, String> environment, String... args) {
        return ChildJvm.start(prefix, directory, environment, tmp.resolve("submitter.stderr"), SubmitterMain.class, args);
    }

    private ChildJvm lingeringSubmitter(List<String> prefix, String name) {
        return submitter(prefix, scratch, Map.of(), "linger", home.toString(), name);
    }

    /** Opens the job from this JVM, as a stranger to it, and expects the lingering task's result. */
    private void assertSurvived(String name) {
        Job<?> job = Persist.jobs(home).open(name);
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("survived", job.fetch());
    }

    private static boolean ignoresSighup(long pid) throws IOException {
        String mask = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("SigIgn:"))
                .findFirst().orElseThrow().substring("SigIgn:".length()).trim();
        return (Long.parseUnsignedLong(mask, 16) & 1L) != 0;
    }

    @Test
    void jobSurvivesSigkillOfTheSubmitterRightAfterPersist() {
        try (ChildJvm submitter = lingeringSubmitter(List.of(), "killed")) {
            submitter.awaitLine(GENEROUS, "SUBMITTED");
            submitter.process().destroyForcibly();
            assertEquals(137, submitter.awaitExit(GENEROUS), "the submitter died of SIGKILL");
        }
        assertSurvived("killed");
    }

    @Test
    void jobSurvivesSighupToTheSubmittersProcessGroup() throws IOException {
        try (ChildJvm submitter = lingeringSubmitter(List.of("setsid"), "hungup")) {
            submitter.awaitLine(GENEROUS, "SUBMITTED");
            long pgid = submitter.process().pid();
            assertEquals(pgid, ProcessId.of(pgid).processGroup(), "setsid made the submitter a group leader");
            assumeFalse(ignoresSighup(pgid), "SIGHUP is ignored in this environment (nohup?)");
            signalProcessGroup(pgid, "HUP");
            assertEquals(129, submitter.awaitExit(GENEROUS), "the submitter died of SIGHUP");
        }
        assertSurvived("hungup");
    }

    @Test
    void jobRunsInTheSubmittersWorkingDirectoryWithItsEnvironment() throws IOException {
        Path workDirectory = Files.createDirectory(tmp.resolve("work dir"));
        String value = "it's $HOME \"quoted\" ;`x`";
        try (ChildJvm submitter = submitter(List.of(), workDirectory, Map.of("PERSIST_IT_MARK", value),
                "whereabouts", home.toString(), "where", "PERSIST_IT_MARK")) {
            submitter.awaitLine(GENEROUS, "SUBMITTED");
            assertEquals(0, submitter.awaitExit(GENEROUS), "the submitter exits normally");
        }
        Job<?> job = jobs.open("where");
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals(List.of(workDirectory.toRealPath().toString(), value), job.fetch());
    }
}
