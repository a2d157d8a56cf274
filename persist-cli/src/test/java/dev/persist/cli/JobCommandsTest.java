package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobStatus;
import dev.persist.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JobCommandsTest extends CliTestBase {

    @Test
    void statusPrintsOneLinePerJobAndReportsUnknownOnesWithCode3() {
        submit("a", "true");
        submit("b", "sh", "-c", "exit 4");
        run("wait", "a", "b");

        Result result = run("status", "a", "nope", "b");

        assertEquals(3, result.code());
        assertEquals("a DONE\nb FAILED\n", result.out());
        assertEquals("persist: No job named 'nope' under " + home + "; list the jobs with Persist.list() or "
                + "`persist list`\n", result.err());
    }

    @Test
    void unknownAndInvalidNamesGiveTheirCodesEverywhere() {
        for (String command : List.of("status", "info", "wait", "fetch", "stdout", "stderr", "cancel", "cleanup")) {
            Result unknown = run(command, "ghost");
            assertEquals(3, unknown.code(), command + ": " + unknown.err());
            assertEquals(1, unknown.err().lines().count(), command + ": " + unknown.err());
            assertTrue(unknown.err().startsWith("persist: No job named 'ghost'"), command + ": " + unknown.err());

            for (String hostile : List.of("../x", "a b", "$(x)", "x".repeat(200))) {
                Result invalid = run(command, hostile);
                assertEquals(2, invalid.code(), command + " " + hostile + ": " + invalid.err());
                assertEquals(1, invalid.err().lines().count(), invalid.err());
                assertTrue(invalid.err().startsWith("persist: Invalid job name"), invalid.err());
            }
        }
    }

    @Test
    void listPrintsAnAlignedTableAndJsonData() throws InterruptedException {
        submit("done-job", "true");
        submit("failed-job", "sh", "-c", "exit 3");
        run("wait", "done-job", "failed-job");
        submit("running-job", "sleep", "300");
        awaitRunning("running-job");

        List<String> lines = run("list").ok().out().lines().toList();

        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("NAME +BACKEND +STATUS +SUBMITTED +RUN TIME +REASON"), lines.get(0));
        int statusColumn = lines.get(0).indexOf("STATUS");
        assertEquals("DONE", lines.get(1).substring(statusColumn).split(" ")[0]);
        assertEquals("FAILED", lines.get(2).substring(statusColumn).split(" ")[0]);
        assertTrue(lines.get(2).endsWith("exit code 3"), lines.get(2));
        assertTrue(lines.get(3).startsWith("running-job"), lines.get(3));
        assertFalse(String.join("", lines).contains("\033["), "no colours when not on a terminal");

        List<?> json = (List<?>) Json.parse(run("--json", "list").ok().out());
        assertEquals(3, json.size());
        Map<?, ?> failed = (Map<?, ?>) json.get(1);
        assertEquals("failed-job", failed.get("name"));
        assertEquals("local", failed.get("backend"));
        assertEquals("FAILED", failed.get("status"));
        assertEquals("exit code 3", failed.get("reason"));
        assertEquals(3L, failed.get("exitCode"));
        assertTrue(Instant.parse((String) failed.get("ended")).isAfter(Instant.parse((String) failed.get("submitted"))));
        Map<?, ?> running = (Map<?, ?>) json.get(2);
        assertEquals("RUNNING", running.get("status"));
        assertNull(running.get("ended"));
        assertNull(running.get("exitCode"));
    }

    @Test
    void listColoursStatusesOnlyOnAColourTerminal() {
        submit("c", "true");
        run("wait", "c");

        String coloured = run(new Terminal(true, true), "list").ok().out();
        String plain = run(new Terminal(true, false), "list").ok().out();

        assertTrue(coloured.contains("\033[32mDONE"), coloured);
        assertFalse(plain.contains("\033["), plain);
    }

    @Test
    void anEmptyHomeListsNothing() {
        Result result = run("list").ok();
        assertEquals("", result.out());
        assertEquals("No jobs under " + home + "\n", result.err());
        assertEquals("[]\n", run("list", "--json").ok().out());
    }

    @Test
    void waitTimesOutWithCode4AndWaitsForTheEndOtherwise() throws InterruptedException {
        submit("long", "sleep", "300");
        submit("short", "sleep", "1");
        awaitRunning("long");

        Result timedOut = run("wait", "long", "--timeout", "1s");
        assertEquals(4, timedOut.code(), timedOut.err());
        assertEquals("long RUNNING\n", timedOut.out());
        assertTrue(timedOut.err().startsWith("persist: timed out after 1."), timedOut.err());

        assertEquals("short DONE\n", run("wait", "short", "--timeout", "PT1M").ok().out());
        assertEquals(JobStatus.RUNNING, jobs().open("long").status());
    }

    @Test
    void waitShowsProgressOnATerminalOnly() {
        submit("progress", "sleep", "2");

        Result onTerminal = run(new Terminal(true, false), "wait", "progress").ok();

        assertTrue(onTerminal.err().contains("waiting ") && onTerminal.err().contains("progress RUNNING"), onTerminal.err());
        assertTrue(onTerminal.err().endsWith("\r\033[K"), "the progress line is cleared at the end");
        assertEquals("progress DONE\n", onTerminal.out());
        submit("quiet", "sleep", "1");
        assertEquals("", run("wait", "quiet").ok().err());
    }

    @Test
    void waitOnACancelledJobExitsWith1() {
        submit("victim", "sleep", "300");
        assertEquals("victim CANCELLED\n", run("cancel", "victim").ok().out());

        Result waited = run("wait", "victim");
        assertEquals(1, waited.code());
        assertEquals("persist: job 'victim' cancelled: cancelled\n", waited.err());
        Result fetched = run("fetch", "victim");
        assertEquals(1, fetched.code());
        assertEquals("persist: Job 'victim' cancelled: cancelled\n", fetched.err());
    }

    @Test
    void cancellingAFinishedJobChangesNothing() {
        submit("finished", "true");
        run("wait", "finished").ok();

        Result result = run("cancel", "finished").ok();

        assertEquals("finished DONE\n", result.out());
        assertEquals("persist: job 'finished' had already finished; nothing to cancel\n", result.err());
    }

    @Test
    void fetchPrintsAJavaResultAndItsJson() {
        jobs().persist("answer", "local", () -> List.of(42, 7)).await();
        jobs().persist("text", "local", () -> Map.of("greeting", "hi \"there\"")).await();
        jobs().persist("opaque", "local", () -> new StringBuilder("sb")).await();

        assertEquals("[42, 7]\n", run("fetch", "answer").ok().out());
        assertEquals("[42, 7]\n", run("fetch", "answer", "--json").ok().out());
        assertEquals(Map.of("greeting", "hi \"there\""), Json.parse(run("fetch", "text", "--json").ok().out()));
        assertEquals("sb\n", run("fetch", "opaque").ok().out());
        Result noJson = run("fetch", "opaque", "--json");
        assertEquals(2, noJson.code());
        assertEquals("persist: The result of job 'opaque' has no JSON form: it holds a value of type "
                + "java.lang.StringBuilder; fetch it without --json to print its toString()\n", noJson.err());
    }

    @Test
    void fetchOfAJavaTaskThatThrowsSaysWhat() {
        jobs().persist("thrower", "local", () -> {
            throw new IllegalStateException("no data");
        }).await();

        Result result = run("fetch", "thrower");

        assertEquals(1, result.code());
        assertEquals("persist: Job 'thrower' failed: the task threw java.lang.IllegalStateException: no data\n",
                result.err());
    }

    @Test
    void fetchWithATimeoutGivesUpWithCode4() throws InterruptedException {
        submit("slow", "sleep", "300");
        awaitRunning("slow");

        Result result = run("fetch", "slow", "--timeout", "1");

        assertEquals(4, result.code());
        assertEquals("persist: timed out after 1.0s: job 'slow' is RUNNING\n", result.err());
    }

    @Test
    void infoDescribesTheJob() {
        submit("described", "sh", "-c", "exit 5");
        run("wait", "described");

        String info = run("info", "described").ok().out();

        assertTrue(info.startsWith("Job:        described\nStatus:     FAILED: exit code 5\n"), info);
        assertTrue(info.contains("Exit code:  5\n"), info);
        Map<?, ?> json = (Map<?, ?>) Json.parse(run("info", "--json", "described").ok().out());
        assertEquals(5L, json.get("exitCode"));
    }

    @Test
    void followStreamsOutputUntilTheJobEnds() throws Exception {
        jobs().submit("ticker", dev.persist.JobOptions.backend("local"),
                List.of("sh", "-c", "echo one; sleep 1; echo two; sleep 1; echo three >&2; echo four"));

        CompletableFuture<Result> out = CompletableFuture.supplyAsync(() -> run("stdout", "ticker", "--follow"));
        CompletableFuture<Result> err = CompletableFuture.supplyAsync(() -> run("stderr", "-f", "ticker"));

        assertEquals("one\ntwo\nfour\n", out.get(60, TimeUnit.SECONDS).ok().out());
        assertEquals("three\n", err.get(60, TimeUnit.SECONDS).ok().out());
        assertEquals(JobStatus.DONE, jobs().open("ticker").status(), "follow returns only once the job ended");
    }

    @Test
    void followingAFinishedJobPrintsItsOutputAndReturns() {
        submit("over", "echo", "done");
        run("wait", "over").ok();

        assertEquals("done\n", run("stdout", "--follow", "over").ok().out());
    }

    @Test
    void cleanupRemovesFinishedJobsAndRefusesRunningOnes() throws IOException {
        submit("old", "true");
        submit("failed", "false");
        submit("busy", "sleep", "300");
        run("wait", "old", "failed");

        Result refused = run("cleanup", "busy");
        assertEquals(1, refused.code());
        assertTrue(refused.err().matches("persist: Job 'busy' is (QUEUED|RUNNING); cancel it first.*\n"), refused.err());

        Result finished = run("cleanup", "--finished").ok();
        assertEquals("removed old\nremoved failed\n", finished.out());
        assertEquals(List.of("busy"), jobs().list().stream().map(j -> j.name()).toList());

        run("cancel", "busy").ok();
        assertEquals("removed busy\n", run("cleanup", "busy").ok().out());
        assertEquals(List.of(), jobs().list());
        assertEquals(3, run("status", "busy").code(), "the name is free");
        try (var entries = Files.list(home.resolve("jobs"))) {
            assertEquals(0, entries.count(), "nothing left on disk");
        }
    }

    @Test
    void cleanupNeedsNamesOrFinishedButNotBoth() {
        assertEquals(2, run("cleanup").code());
        Result both = run("cleanup", "--finished", "x");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("persist: Give either job names or --finished"), both.err());
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheSubcommand() {
        submit("g", "true");
        run("wait", "g");

        assertEquals(run("--json", "status", "g").ok().out(), run("status", "g", "--json").ok().out());
        assertTrue(run("--json", "status", "g").out().contains("\"status\": \"DONE\""));
    }

    @Test
    void debugAddsTheStackTrace() {
        Result plain = run("fetch", "nope");
        Result debug = run("--debug", "fetch", "nope");

        assertFalse(plain.err().contains("\tat "), plain.err());
        assertTrue(debug.err().contains("dev.persist.NoSuchJobException"), debug.err());
        assertTrue(debug.err().contains("\tat "), debug.err());
        assertEquals(3, debug.code());
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help").ok();
        for (String command : List.of("submit", "status", "info", "list", "wait", "fetch", "stdout", "stderr",
                "cancel", "cleanup", "backends")) {
            assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
        }
        assertTrue(help.out().contains("4  timed out waiting"), help.out());
        assertTrue(run("submit", "--help").ok().out().contains("--time=DURATION"));
        assertTrue(run("--version").ok().out().startsWith("persist "));
        Result typo = run("stauts", "x");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("Did you mean 'status'?"), typo.err());
        Result none = run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("Missing required subcommand"), none.err());
    }

    @Test
    void summariesAgreeWithInfo() {
        submit("timed", "sleep", "1");
        run("wait", "timed").ok();

        var summary = jobs().open("timed").summary();
        assertTrue(summary.runTime().compareTo(Duration.ofMillis(900)) >= 0, summary.toString());
        assertEquals(Duration.between(summary.started(), summary.ended()), summary.runTime());
    }

    @Test
    void gcDeletesTheSnapshotsOfJobsRemovedByHandAndKeepsThoseInUse() throws IOException {
        jobs().persist("first", "local", () -> 1).await();
        jobs().persist("second", "local", () -> 2).await();
        deleteByHand(home.resolve("jobs/first"));

        Map<?, ?> report = (Map<?, ?>) Json.parse(run("gc", "--json").ok().out());
        assertEquals(0L, ((Number) report.get("removed")).longValue(), "the second job still uses them: " + report);
        long kept = ((Number) report.get("kept")).longValue();
        assertTrue(kept > 0, report.toString());

        deleteByHand(home.resolve("jobs/second"));
        String text = run("gc").ok().out();
        assertTrue(text.startsWith("removed " + kept + " unused class path snapshot(s) ("), text);
        assertTrue(text.endsWith("; kept 0 in use (0.0 MB)\n"), text);
    }

    private static void deleteByHand(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
