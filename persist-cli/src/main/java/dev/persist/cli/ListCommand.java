package dev.persist.cli;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.JobSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help.Ansi;

final class ListCommand extends JobCommand {

    /** How much of a reason the table shows; 'persist info' shows all of it. */
    private static final int REASON_WIDTH = 60;

    /** Statuses' colours on a terminal, as picocli's markup names them. */
    private static final Map<JobStatus, String> COLOURS = Map.of(JobStatus.EMPTY, "faint", JobStatus.QUEUED, "yellow",
            JobStatus.RUNNING, "cyan", JobStatus.DONE, "green", JobStatus.FAILED, "red", JobStatus.CANCELLED, "magenta");

    ListCommand(PersistCommand persist) {
        super(persist, "list", "List every job, oldest first: name, backend, status, submitted, run time, reason.",
                "With --json, an array of objects with name, backend, status, reason, exitCode, submitted, started, ended "
                        + "and runTimeMillis.");
    }

    @Override
    public Integer call() {
        List<JobSummary> summaries = new ArrayList<>();
        for (Job<?> job : jobs().list()) {
            summaries.add(job.summary());
        }
        if (persist.json()) {
            out().print(JobData.json(summaries.stream().map(JobData::summary).toList()));
            return ExitCodes.OK;
        }
        if (summaries.isEmpty()) {
            err().println("No jobs under " + jobs().home());
            return ExitCodes.OK;
        }
        Table table = new Table("NAME", "BACKEND", "STATUS", "SUBMITTED", "RUN TIME", "REASON");
        for (JobSummary s : summaries) {
            table.row(s.name(), s.backend(), s.status().name(), Format.time(s.submitted()), Format.duration(s.runTime()),
                    Format.shorten(s.reason(), REASON_WIDTH));
        }
        Ansi ansi = persist.terminal().colour() ? Ansi.ON : Ansi.OFF;
        table.print(out(), (row, column, cell) -> {
            if (row == 0) {
                return ansi.string("@|bold " + cell + "|@");
            }
            return column == 2 ? ansi.string("@|" + COLOURS.get(summaries.get(row - 1).status()) + " " + cell + "|@") : cell;
        });
        return ExitCodes.OK;
    }
}
