package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.JobOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    }
}
