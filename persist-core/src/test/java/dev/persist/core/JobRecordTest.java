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
                "/work dir", List.of("java", "-cp", "a b", "x\"y"), "abc", options, Map.of("pid", "12"));
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
        String json = record(JobKind.JAVA, JobOptions.backend("local")).toJson().replace("\"format\": 1", "\"format\": 999");
        IllegalArgumentException e = assertThrows(JobRecord.NewerFormatException.class, () -> JobRecord.fromJson(json));
        assertTrue(e.getMessage().contains("newer version of Persist (format 999"), e.getMessage());
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
