package dev.persist.local;

import dev.persist.Job;
import dev.persist.Persist;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The README's first example, run by {@code ./demo.sh}: persist a job, show it, fetch its result. */
public final class Demo {

    private Demo() {
    }

    /**
     * @param args optionally, how many seconds the job sleeps (default 2)
     */
    public static void main(String[] args) {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 2;
        String name = "hello-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Job<List<Integer>> job = Persist.persist(name, "local", () -> {
            Thread.sleep(seconds * 1000);
            System.out.println("Hello, World!");
            return List.of(42);
        });
        System.out.println("persisted job '" + job.name() + "' (status " + job.status() + ") under " + Persist.home());
        System.out.println("waiting; the job would go on if you pressed Ctrl-C now...");
        System.out.println(job.await() + ": " + job.fetch() + ", stdout: " + job.stdout().strip());
        System.out.println();
        System.out.print(job.info());
        job.cleanup();
    }
}
