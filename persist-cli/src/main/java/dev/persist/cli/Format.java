package dev.persist.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times and durations as the tables show them. */
final class Format {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Format() {
    }

    /**
     * @param instant a time, or null
     * @return it in local time, or "-"
     */
    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    /**
     * @param duration a duration, or null
     * @return it in its two largest units ("4.2s", "5m03s", "2h05m", "3d04h"), or "-"
     */
    static String duration(Duration duration) {
        if (duration == null) {
            return "-";
        }
        long s = duration.toSeconds();
        if (s < 60) {
            return String.format("%.1fs", duration.toMillis() / 1000.0);
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    /**
     * @param text a text
     * @param max the most characters to show
     * @return its first line, cut to {@code max} characters with an ellipsis
     */
    static String shorten(String text, int max) {
        String line = text.lines().findFirst().orElse("");
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }
}
