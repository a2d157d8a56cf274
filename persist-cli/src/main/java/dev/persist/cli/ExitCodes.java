package dev.persist.cli;

/** The exit codes of {@code persist}, as DESIGN.md section 2 fixes them. */
final class ExitCodes {
    /** Everything went as asked. */
    static final int OK = 0;
    /** A job failed or was cancelled, or the command could not do what was asked. */
    static final int FAILED = 1;
    /** The command line was wrong: an unknown option, an invalid name, duration or resource. */
    static final int USAGE = 2;
    /** A named job does not exist. */
    static final int NO_SUCH_JOB = 3;
    /** The jobs did not finish within the timeout. */
    static final int TIMED_OUT = 4;

    private ExitCodes() {
    }
}
