package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
}
