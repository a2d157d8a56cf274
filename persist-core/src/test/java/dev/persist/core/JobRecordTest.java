package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobOptions;
import dev.persist.PersistException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobRecordTest {

    static JobRecord record(JobKind kind, JobOptions options) {
        return new JobRecord("job-1", options.backend(), kind, Instant.parse("2026-11-25T10:00:00.123Z"), "host",
                "/work dir", List.of("java", "-cp", "a b", "x\"y"), classpath(kind), options, Map.of("pid", "12"));
    }

    private static final String HASH = "0123456789abcdef".repeat(4);

    static PinnedClasspath classpath(JobKind kind) {
        return kind == JobKind.COMMAND ? PinnedClasspath.NONE : new PinnedClasspath(
                List.of(new PinnedClasspath.Entry("/work/app/target/classes", HASH, 1234)),
                List.of(new PinnedClasspath.Skipped("/work/app/missing.jar", "does not exist")));
    }

    @Test
    void everyFieldRoundTrips() {
        JobOptions options = JobOptions.backend("local").timeLimit(Duration.ofMinutes(5)).cpus(3).memory("2G")
                .jvmOptions("-Xmx1g", "-Da=b c").environment("K", "v=1").option("slots", "2");
        JobRecord record = record(JobKind.JAVA, options);
        assertEquals(record, JobRecord.fromJson(record.toJson()));
        JobRecord command = record(JobKind.COMMAND, JobOptions.backend("slurm")).withHandle(Map.of());
        assertEquals(command, JobRecord.fromJson(command.toJson()));
    }

    @Test
    void aNewerFormatAsksForAnUpgrade() {
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson().replace("\"format\": 2", "\"format\": 999");
        IllegalArgumentException e = assertThrows(JobRecord.NewerFormatException.class, () -> JobRecord.fromJson(json));
        assertTrue(e.getMessage().contains("newer version of Persist (format 999"), e.getMessage());
    }

    @Test
    void aJobOfFormatOneHasNoPinnedClasspath() {
        String json = """
                {
                  "format": 1,
                  "name": "old",
                  "backend": "local",
                  "kind": "java",
                  "submitted": "2026-11-20T10:00:00Z",
                  "host": "h",
                  "workingDirectory": "/w",
                  "command": ["java", "-cp", "/w/target/classes", "dev.persist.core.Runner", "/home/jobs/old"],
                  "classpathFingerprint": "7f3a9c",
                  "options": {"jvmOptions": [], "environment": {}, "options": {}},
                  "handle": {"pid": "12"}
                }
                """;
        JobRecord record = JobRecord.fromJson(json);
        assertEquals(PinnedClasspath.NONE, record.classpath());
        assertEquals("/w/target/classes", record.command().get(2));
    }

    @Test
    void aSnapshotNameThatIsNoHashIsRejected() {
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson().replace(HASH, "../../../etc/passwd");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobRecord.fromJson(json));
        assertEquals("'../../../etc/passwd' is not a SHA-256 hash in lower-case hex", e.getMessage());
    }

    @Test
    void outOfRangeNumbersAreRejectedAsInvalidNotAsArithmetic() {
        String json = record(JobKind.JAVA, JobOptions.backend("local").cpus(2)).toJson();
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJson(json.replace("\"cpus\": 2", "\"cpus\": 4294967298")));
        assertEquals("'cpus' is out of range: 4294967298", huge.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJson(json.replace("\"cpus\": 2", "\"cpus\": 0")));
        assertTrue(zero.getMessage().contains("between 1 and 100000"), zero.getMessage());
    }

    @Test
    void missingOrMistypedFieldsAreNamed() {
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJson(json.replace("\"backend\"", "\"backnd\"")));
        assertEquals("'backend' is missing", missing.getMessage());
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJson(json.replace("\"kind\": \"java\"", "\"kind\": 3")));
        assertEquals("'kind' is not a string", mistyped.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JobRecord.fromJson("[]"));
        for (String classpath : List.of("[\"/a.jar\"]", "\"/a.jar\"", "[{}, 1]")) {
            String wrong = json.replaceFirst("\"classpath\": \\[(?s:.*?)\\],\n  \"classpathSkipped\"",
                    "\"classpath\": " + classpath + ",\n  \"classpathSkipped\"");
            assertTrue(wrong.contains("\"classpath\": " + classpath + ","), wrong);
            IllegalArgumentException notObjects = assertThrows(IllegalArgumentException.class, () -> JobRecord.fromJson(wrong));
            assertEquals("'classpath' is not a list of objects", notObjects.getMessage());
        }
    }

    @Test
    void aDeferredRecordReadsItsCommandAndClasspathOnceWhenFirstAsked() {
        JobRecord record = record(JobKind.JAVA, JobOptions.backend("local").timeLimit(Duration.ofMinutes(5)));
        String json = record.toJson();
        AtomicInteger reads = new AtomicInteger();

        JobRecord deferred = JobRecord.fromJsonDeferred(json, () -> {
            reads.incrementAndGet();
            return JobRecord.fromJson(json);
        });

        assertEquals(0, reads.get());
        assertEquals(record.submitted(), deferred.submitted());
        assertEquals(record.options().timeLimit(), deferred.options().timeLimit());
        assertEquals(record.handle(), deferred.handle());
        assertEquals(record.classpath(), deferred.classpath());
        assertEquals(record.command(), deferred.command());
        assertEquals(record, deferred.withHandle(Map.of("pid", "12")));
        assertEquals(1, reads.get());
    }

    @Test
    void aDeferredRecordOfFormatOneHasNoPinnedClasspath() {
        String json = record(JobKind.COMMAND, JobOptions.backend("local")).toJson()
                .replace("\"format\": 2", "\"format\": 1").replaceAll("\"classpath(Skipped)?\": \\[\\],\n", "");
        assertTrue(!json.contains("classpath"), json);

        JobRecord deferred = JobRecord.fromJsonDeferred(json, () -> JobRecord.fromJson(json));

        assertEquals(PinnedClasspath.NONE, deferred.classpath());
        assertEquals(List.of("java", "-cp", "a b", "x\"y"), deferred.command());
    }

    @Test
    void aDeferredRecordChecksTheSyntaxAndPresenceOfWhatItLeavesOut() {
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson();
        IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJsonDeferred(json.replace("\"size\": 1234", "\"size\": 1234,"), () -> JobRecord.fromJson(json)));
        assertTrue(syntax.getMessage().startsWith("Invalid JSON at character "), syntax.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JobRecord.fromJsonDeferred(json.replace("\"classpathSkipped\"", "\"skipped\""), () -> JobRecord.fromJson(json)));
        assertEquals("'classpathSkipped' is missing", missing.getMessage());
        IllegalArgumentException newer = assertThrows(JobRecord.NewerFormatException.class,
                () -> JobRecord.fromJsonDeferred("{\"format\": 3}", () -> JobRecord.fromJson(json)));
        assertTrue(newer.getMessage().contains("(format 3;"), newer.getMessage());
    }

    @Test
    void whatIsWrongWithADeferredClasspathIsReportedWhenItIsRead() {
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson().replace(HASH, "../../../etc/passwd");

        JobRecord deferred = JobRecord.fromJsonDeferred(json, () -> JobRecord.fromJson(json));

        assertEquals("job-1", deferred.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, deferred::classpath);
        assertEquals("'../../../etc/passwd' is not a SHA-256 hash in lower-case hex", e.getMessage());
    }

    @Test
    void aDeferredRecordRefusesTheDescriptionOfAnotherJob() {
        JobRecord first = record(JobKind.JAVA, JobOptions.backend("local"));
        String replaced = new JobRecord("job-1", "local", JobKind.JAVA, first.submitted().plusSeconds(60), "host",
                "/work dir", List.of("other"), PinnedClasspath.NONE, JobOptions.backend("local"), Map.of()).toJson();

        JobRecord deferred = JobRecord.fromJsonDeferred(first.toJson(), () -> JobRecord.fromJson(replaced));

        PersistException e = assertThrows(PersistException.class, deferred::command);
        assertEquals("Job 'job-1' was replaced by another job of that name (submitted 2026-11-25T10:01:00.123Z)"
                + " since it was opened: open it again", e.getMessage());
    }

    @Test
    void timestampsParseAsInstantParseDoes() {
        for (String text : List.of("2026-11-30T07:41:20.331915987Z", "2026-11-30T07:41:20Z", "2026-11-30T07:41:20.5Z",
                "2026-11-30T07:41:20.123Z", "2026-11-30T07:41:20.123456Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                "2024-02-29T12:00:00Z", "2026-01-31T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-06-15T00:00:00Z",
                "2026-11-30T07:41:20.000000001Z", "2026-11-30T24:00:00Z", "2026-12-31T23:59:60Z")) {
            assertEquals(Instant.parse(text), JobRecord.parseInstant(text), text);
        }
        Instant now = Instant.now();
        assertEquals(now, JobRecord.parseInstant(now.toString()));
        for (String text : List.of("2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-30T25:00:00Z", "2026-11-30T07:60:00Z", "2026-11-30T07:41:20.Z", "2026-11-30T07:41:20.1234567890Z",
                "2026-11-30 07:41:20Z", "2026-11-30T07:41:2xZ", "2026-11-30T07:41:20", "")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                assertThrows(DateTimeParseException.class, () -> JobRecord.parseInstant(text), text);
                continue;
            }
            assertEquals(expected, JobRecord.parseInstant(text), text);
        }
        assertThrows(DateTimeParseException.class, () -> JobRecord.parseInstant("2026-02-29T00:00:00Z"));
    }

    @Test
    void instantsAreWrittenAsInstantWritesThem() {
        for (String text : List.of("2026-11-30T07:41:20.331915987Z", "2026-11-30T07:41:20Z", "2026-11-30T07:41:20.500Z",
                "2026-11-30T07:41:20.123456Z", "2026-11-30T07:41:20.000000001Z", "2026-11-30T07:41:20.000001Z",
                "2026-11-30T07:41:20.001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "0000-01-01T00:00:00Z", "0000-02-29T12:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-02-29T23:59:59Z",
                "2000-03-01T00:00:00Z", "1900-02-28T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z")) {
            Instant instant = Instant.parse(text);
            assertEquals(instant.toString(), JobRecord.formatInstant(instant), text);
        }
        Instant now = Instant.now();
        assertEquals(now.toString(), JobRecord.formatInstant(now));
        assertEquals(Instant.MIN.toString(), JobRecord.formatInstant(Instant.MIN));
        assertEquals(Instant.MAX.toString(), JobRecord.formatInstant(Instant.MAX));
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (long second = first; second <= last; second += 86_399) { // a day less a second: every day, and every time of day over the years
            Instant instant = Instant.ofEpochSecond(second, second % 1_000_000_000);
            assertEquals(instant.toString(), JobRecord.formatInstant(instant));
        }
    }

    @Test
    void everyDayOfTheYears0To9999CountsAsLocalDateCountsIt() {
        for (LocalDate date = LocalDate.of(0, 1, 1); date.getYear() < 10_000; date = date.plusDays(1)) {
            assertEquals(date.toEpochDay(), JobRecord.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth()),
                    date::toString);
        }
        for (int year : new int[] {0, 1900, 2000, 2024, 2026, 2100, 9999}) {
            for (int month = 1; month <= 12; month++) {
                String lastDay = "%04d-%02d-%02dT00:00:00Z".formatted(year, month, YearMonth.of(year, month).lengthOfMonth());
                assertEquals(Instant.parse(lastDay), JobRecord.parseInstant(lastDay), lastDay);
                String dayAfter = "%04d-%02d-%02dT00:00:00Z".formatted(year, month, YearMonth.of(year, month).lengthOfMonth() + 1);
                assertThrows(DateTimeParseException.class, () -> JobRecord.parseInstant(dayAfter), dayAfter);
            }
        }
    }
}
