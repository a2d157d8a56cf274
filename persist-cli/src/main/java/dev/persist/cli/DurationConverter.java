package dev.persist.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people type them: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 2d}, a bare number
 * of seconds, or ISO-8601 ({@code PT1H30M}).
 */
final class DurationConverter implements ITypeConverter<Duration> {

    /** What is allowed, for help texts and error messages. */
    static final String FORMS = "a number with units d, h, m, s such as 90s, 5m, 1h30m or 2d (a bare number is seconds), "
            + "or ISO-8601 such as PT1H30M";

    private static final Pattern SECONDS = Pattern.compile("\\d+");
    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * @param value a duration as typed
     * @return the duration, zero or positive
     * @throws TypeConversionException naming the value and the allowed forms
     */
    static Duration parse(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (SECONDS.matcher(text).matches()) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            Matcher m = UNITS.matcher(text);
            if (!text.isEmpty() && m.matches()) {
                return Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3))).plusSeconds(number(m.group(4)));
            }
            if (text.startsWith("p")) {
                Duration d = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("Invalid duration '" + value + "': use " + FORMS);
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
