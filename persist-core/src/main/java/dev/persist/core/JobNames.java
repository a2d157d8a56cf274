package dev.persist.core;

import java.util.random.RandomGenerator;

/** The rule for job names, shared by the library and the command line. */
public final class JobNames {

    /** The rule, as shown to users. */
    public static final String RULE =
            "job names are 1 to 128 characters of [A-Za-z0-9._-], not starting with '.' or '-'";

    /** Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i). */
    private static final String SUFFIX_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

    private static final int MAX_LENGTH = 128;

    private JobNames() {
    }

    /**
     * @param name a candidate name
     * @return whether it is a valid job name
     */
    public static boolean isValid(String name) {
        // [A-Za-z0-9_][A-Za-z0-9._-]{0,127}, without a regular expression: list() checks every entry
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || name.charAt(0) == '.'
                || name.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A readable name for a job that runs a program: the program's file name, cut down to the
     * allowed characters, a dash and five random letters and digits, such as {@code sleep-k3x9q}.
     * Probably unique; a caller that finds it taken asks for another.
     *
     * @param program the program the job runs, such as {@code /usr/bin/sleep}
     * @param random where the suffix comes from
     * @return a valid job name
     */
    public static String generate(String program, RandomGenerator random) {
        String base = program.substring(program.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]+", "-")
                .replaceAll("^[.-]+|[.-]+$", "");
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        StringBuilder name = new StringBuilder(base.isEmpty() ? "job" : base).append('-');
        for (int i = 0; i < 5; i++) {
            name.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return check(name.toString());
    }

    /**
     * @param name a candidate name
     * @return the name, if valid
     * @throws IllegalArgumentException naming the problem and the rule
     */
    public static String check(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Job name is null; " + RULE);
        }
        if (!isValid(name)) {
            throw new IllegalArgumentException("Invalid job name '" + printable(name) + "': " + RULE);
        }
        return name;
    }

    /** Escapes control characters so that a hostile name cannot garble the message. */
    private static String printable(String name) {
        StringBuilder s = new StringBuilder();
        int shown = Math.min(name.length(), 140);
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        if (shown < name.length()) {
            s.append("... (").append(name.length()).append(" characters)");
        }
        return s.toString();
    }
}
