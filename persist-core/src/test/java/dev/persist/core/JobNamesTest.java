package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "hello", "run_1.2-final", "0", "_x", "A.b-c_d"})
    void validNamesAreAccepted(String name) {
        assertEquals(name, JobNames.check(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../x", "a/b", "/abs", "a b", "x;rm -rf", "a\nb", ".hidden", "-x",
        "$(id)", "a\u0000b", "ünïcode", "a\\b", "`x`"})
    void invalidNamesAreRejectedWithTheRule(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobNames.check(name));
        assertTrue(e.getMessage().contains(JobNames.RULE), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "control characters are escaped: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 129})
    void namesAreAtMost128Characters(int length) {
        String name = "x".repeat(length);
        assertEquals(length <= 128, JobNames.isValid(name));
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JobNames.check(null));
    }

    @ParameterizedTest
    @CsvSource({"/usr/bin/sleep, sleep-", "echo, echo-", "'./my script.sh', my-script.sh-", "'..', job-",
        "'-rf', rf-", "'$(id)', id-", "'/', job-"})
    void generatedNamesShowTheProgramAndAreValid(String program, String prefix) {
        String name = JobNames.generate(program, new SplittableRandom(1));
        assertTrue(JobNames.isValid(name), name);
        assertTrue(name.startsWith(prefix) && name.length() == prefix.length() + 5, name);
    }

    @Test
    void generatedNamesDiffer() {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(JobNames.generate("true", random));
        }
        assertTrue(names.size() > 990, names.size() + " distinct names of 1000");
        assertTrue(JobNames.isValid(JobNames.generate("x".repeat(300), random)));
    }
}
