package dev.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names options accept, exactly: what is allowed, and the message for what is not. */
class JobOptionsTest {

    @Test
    void backendNamesAreLowerCaseIdentifiersOfAtMost64Characters() {
        for (String name : List.of("local", "slurm", "a", "my_backend-2", "a".repeat(64))) {
            assertEquals(name, JobOptions.backend(name).backend());
        }
        for (String name : List.of("", "Local", "2local", "-local", "_local", "lo.cal", "lo cal", "a".repeat(65), "é")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobOptions.backend(name), name);
            assertEquals("Invalid backend name '" + name + "': backend names are 1 to 64 characters of [a-z0-9_-], "
                    + "starting with a letter", e.getMessage());
        }
    }

    @Test
    void optionNamesMayAlsoHoldDots() {
        JobOptions options = JobOptions.backend("slurm").option("partition", "gpu").option("x.mem-per_cpu9", "1");
        assertEquals(Map.of("partition", "gpu", "x.mem-per_cpu9", "1"), options.options());
        for (String key : List.of("", "Partition", ".x", "9x", "a b", "a".repeat(65))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JobOptions.backend("slurm").option(key, "v"), key);
            assertEquals("Invalid option name '" + key + "': option names are 1 to 64 characters of [a-z0-9._-], "
                    + "starting with a letter", e.getMessage());
        }
    }

    @Test
    void environmentNamesAreLettersDigitsAndUnderscoresNotStartingWithADigit() {
        JobOptions options = JobOptions.backend("local").environment("_A1", "x").environment("path", "y")
                .environment("Z".repeat(256), "z");
        assertEquals(3, options.environment().size());
        for (String key : List.of("", "1A", "A-B", "A.B", "A B", "Ä", "Z".repeat(257))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JobOptions.backend("local").environment(key, "v"), key);
            assertEquals("Invalid environment variable name '" + key + "': names are 1 to 256 letters, digits and '_', "
                    + "not starting with a digit", e.getMessage());
        }
    }
}
