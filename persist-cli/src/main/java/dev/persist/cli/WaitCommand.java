package dev.persist.cli;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.JobSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class WaitCommand extends JobCommand {

    /** How often the progress line is redrawn; waiting itself is woken by file-system events. */
    private static final Duration REDRAW = Duration.ofSeconds(1);

    private final PositionalParamSpec names = Args.names("1..*");
    private final OptionSpec timeout = Args.timeout();

    WaitCommand(PersistCommand persist) {
        super(persist, "wait", "Wait until the jobs end, then print NAME STATUS for each.",
                "Exit code 0 if all are DONE, 1 if one failed or was cancelled, 4 if the timeout passed first. "
                        + "On a terminal, shows the job being waited for, its status, how many have ended and the time "
                        + "waited.");
        spec.addPositional(names).addOption(timeout);
    }

    @Override
    public Integer call() {
        List<Job<?>> jobs = new ArrayList<>();
        int code = forEachJob(Args.strings(names), jobs::add);
        if (code != ExitCodes.OK) {
            return code;
        }
        long start = System.nanoTime();
        Duration timeout = this.timeout.getValue();
        long limit = timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout);
        PrintWriter progress = persist.terminal().interactive() ? err() : null;
        for (int ended = 0; ended < jobs.size(); ended++) {
            Job<?> job = jobs.get(ended);
            while (true) {
                long remaining = Math.max(0, limit - (System.nanoTime() - start));
                if (progress == null) {
                    job.await(Duration.ofNanos(remaining));
                    break;
                }
                JobStatus status = job.await(Duration.ofNanos(Math.min(remaining, REDRAW.toNanos())));
                if (status.isTerminal() || status == JobStatus.EMPTY || remaining <= REDRAW.toNanos()) {
                    break;
                }
                // Only the job being waited for, with the state its wait saw: asking every job's backend
                // at each redraw would cost a scheduler query per job per second.
                progress.print("\r\033[Kwaiting " + Format.duration(Duration.ofNanos(System.nanoTime() - start)) + ": "
                        + job.name() + " " + status + (jobs.size() > 1 ? " (" + ended + " of " + jobs.size() + " ended)" : ""));
                progress.flush();
            }
        }
        if (progress != null) {
            progress.print("\r\033[K");
            progress.flush();
        }
        return report(jobs, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Prints each job's status; says why jobs failed or are still running; returns the exit code. */
    private int report(List<Job<?>> jobs, Duration waited) {
        boolean failed = false;
        boolean timedOut = false;
        List<Object> data = new ArrayList<>();
        for (Job<?> job : jobs) {
            JobSummary summary = job.summary();
            if (persist.json()) {
                data.add(JobData.summary(summary));
            } else {
                out().println(summary.name() + " " + summary.status());
            }
            if (!summary.status().isTerminal() && summary.status() != JobStatus.EMPTY) {
                timedOut = true;
                err().println("persist: timed out after " + Format.duration(waited) + " waiting for job '"
                        + summary.name() + "', which is " + summary.status());
            } else if (summary.status() != JobStatus.DONE) {
                failed = true;
                err().println("persist: job '" + summary.name() + "' " + summary.status().name().toLowerCase(Locale.ROOT)
                        + (summary.reason().isEmpty() ? "" : ": " + summary.reason()));
            }
        }
        if (persist.json()) {
            out().print(JobData.json(data));
        }
        return timedOut ? ExitCodes.TIMED_OUT : failed ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
