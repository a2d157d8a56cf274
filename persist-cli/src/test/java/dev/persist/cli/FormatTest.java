package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatTest {

    @ParameterizedTest
    @CsvSource({"0, 0.0s", "4200, 4.2s", "59999, 60.0s", "60000, 1m00s", "303000, 5m03s", "7500000, 2h05m",
        "273600000, 3d04h"})
    void durationsShowTheirTwoLargestUnits(long millis, String shown) {
        assertEquals(shown, Format.duration(Duration.ofMillis(millis)));
    }

    @ParameterizedTest
    @CsvSource(value = {"short|10|short", "a long reason here|10|a long re…", "two\\nlines|10|two"}, delimiter = '|')
    void reasonsAreCutToOneShortLine(String text, int max, String shown) {
        assertEquals(shown, Format.shorten(text.replace("\\n", "\n"), max));
    }
}
