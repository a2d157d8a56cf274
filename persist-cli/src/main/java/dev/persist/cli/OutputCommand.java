package dev.persist.cli;

import dev.persist.Job;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code persist stdout} and {@code persist stderr}. */
abstract class OutputCommand extends JobCommand {

    @Parameters(paramLabel = "NAME", description = "Job name")
    private String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what the job writes, like tail -f, until it ends")
    private boolean follow;

    /** What the job wrote so far. */
    abstract String read(Job<?> job);

    /** Copies what the job writes until it ends. */
    abstract void follow(Job<?> job, Appendable out);

    @Override
    public Integer call() {
        Job<?> job = jobs().open(name);
        PrintWriter out = out();
        if (!follow) {
            out.print(read(job));
            out.flush();
            return ExitCodes.OK;
        }
        try {
            follow(job, new Sink(out));
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof ClosedOutputException)) {
                throw e;
            }
            // whoever read our output stopped (persist stdout -f NAME | head): so do we
        }
        return ExitCodes.OK;
    }

    @Command(name = "stdout", description = "Print what the job wrote to standard output (also while it runs).")
    static final class Stdout extends OutputCommand {
        @Override
        String read(Job<?> job) {
            return job.stdout();
        }

        @Override
        void follow(Job<?> job, Appendable out) {
            job.followStdout(out);
        }
    }

    @Command(name = "stderr", description = "Print what the job wrote to standard error (also while it runs).")
    static final class Stderr extends OutputCommand {
        @Override
        String read(Job<?> job) {
            return job.stderr();
        }

        @Override
        void follow(Job<?> job, Appendable out) {
            job.followStderr(out);
        }
    }

    /** The command's output, which fails once nobody reads it any more. */
    private static final class Sink implements Appendable, Flushable {
        private final PrintWriter out;

        Sink(PrintWriter out) {
            this.out = out;
        }

        @Override
        public Appendable append(CharSequence csq) {
            out.append(csq);
            return this;
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            out.append(csq, start, end);
            return this;
        }

        @Override
        public Appendable append(char c) {
            out.append(c);
            return this;
        }

        @Override
        public void flush() throws IOException {
            if (out.checkError()) { // flushes, then tells whether writing ever failed
                throw new ClosedOutputException();
            }
        }
    }

    /** Nobody reads the output any more. */
    private static final class ClosedOutputException extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedOutputException() {
            super("the output is closed");
        }
    }
}
