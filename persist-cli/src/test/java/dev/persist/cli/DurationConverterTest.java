package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"90s, 90", "5m, 300", "1h30m, 5400", "2d, 172800", "1d2h3m4s, 93784", "45, 45", "0, 0", "1H30M, 5400",
        "PT1H30M, 5400", "pt2m, 120", "P1D, 86400", "' 10s ', 10"})
    void acceptsTheFormsPeopleType(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), DurationConverter.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "1.5h", "-5s", "5 m", "m", "30m1h", "PT-1S", "99999999999999999999s", "1w"})
    void rejectsOthersSayingWhatIsAllowed(String text) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> DurationConverter.parse(text));
        assertEquals("Invalid duration '" + text + "': use " + DurationConverter.FORMS, e.getMessage());
    }
}
