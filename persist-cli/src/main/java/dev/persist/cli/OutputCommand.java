package dev.persist.cli;

import dev.persist.Job;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code persist stdout} and {@code persist stderr}. */
abstract class OutputCommand extends JobCommand {

    private final PositionalParamSpec name = Args.name();
    private final OptionSpec follow = Args.flag("Keep printing what the job writes, like tail -f, until it ends",
            "-f", "--follow").build();

    OutputCommand(PersistCommand persist, String name, String description) {
        super(persist, name, description);
        spec.addPositional(this.name).addOption(follow);
    }

    /** What the job wrote so far. */
    abstract String read(Job<?> job);

    /** Copies what the job writes until it ends. */
    abstract void follow(Job<?> job, Appendable out);

    @Override
    public Integer call() {
        Job<?> job = jobs().open(name.getValue());
        PrintWriter out = out();
        if (!Args.isSet(follow)) {
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

    static final class Stdout extends OutputCommand {
        Stdout(PersistCommand persist) {
            super(persist, "stdout", "Print what the job wrote to standard output (also while it runs).");
        }

        @Override
        String read(Job<?> job) {
            return job.stdout();
        }

        @Override
        void follow(Job<?> job, Appendable out) {
            job.followStdout(out);
        }
    }

    static final class Stderr extends OutputCommand {
        Stderr(PersistCommand persist) {
            super(persist, "stderr", "Print what the job wrote to standard error (also while it runs).");
        }

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
