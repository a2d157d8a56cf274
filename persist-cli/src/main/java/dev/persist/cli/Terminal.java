package dev.persist.cli;

/**
 * Where the output goes: to a person at a terminal, or to a file or another program.
 *
 * @param interactive whether a person watches: show progress
 * @param colour whether to use ANSI colours
 */
public record Terminal(boolean interactive, boolean colour) {

    /** Output for programs: no progress, no colours. */
    public static final Terminal NONE = new Terminal(false, false);

    /**
     * @return interactive when the JVM has a console; colours then too, unless {@code NO_COLOR}
     *     is set (https://no-color.org) or {@code TERM} is {@code dumb}
     */
    public static Terminal detect() {
        if (System.console() == null) {
            return NONE; // without reading the environment, which a short command need not set up
        }
        String noColour = System.getenv("NO_COLOR");
        return new Terminal(true, (noColour == null || noColour.isEmpty()) && !"dumb".equals(System.getenv("TERM")));
    }
}
