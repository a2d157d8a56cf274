package dev.persist.slurm;

import dev.persist.Job;
import dev.persist.Persist;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Another JVM reading a job back: {@code OpenJob HOME NAME} opens the job, waits for it and prints
 * its status, its result and its standard output, one per line.
 */
public final class OpenJob {

    private OpenJob() {
    }

    public static void main(String[] args) {
        Job<?> job = Persist.jobs(Path.of(args[0])).open(args[1]);
        System.out.println(job.await(Duration.ofMinutes(2)));
        System.out.println(job.fetch());
        System.out.print(job.stdout());
    }
}
