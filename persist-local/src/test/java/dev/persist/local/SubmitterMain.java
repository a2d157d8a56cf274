package dev.persist.local;

import dev.persist.JobExistsException;
import dev.persist.Jobs;
import dev.persist.Persist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A submitting JVM for the tests: persists one job, prints a line the test waits for, then
 * behaves as the mode says.
 *
 * <ul>
 *   <li>{@code linger HOME NAME}: a job that sleeps 2 s and returns "survived"; prints SUBMITTED,
 *       then blocks until it is killed.</li>
 *   <li>{@code whereabouts HOME NAME VARIABLE}: a job returning its working directory and the
 *       value of an environment variable; prints SUBMITTED and exits.</li>
 *   <li>{@code race HOME NAME VALUE GO_FILE}: prints READY, waits for GO_FILE, persists a job
 *       returning VALUE, prints SUBMITTED or EXISTS and exits.</li>
 * </ul>
 */
public final class SubmitterMain {

    private SubmitterMain() {
    }

    public static void main(String[] args) throws Exception {
        Jobs jobs = Persist.jobs(Path.of(args[1]));
        String name = args[2];
        switch (args[0]) {
            case "linger" -> {
                jobs.persist(name, "local", () -> {
                    Thread.sleep(2_000);
                    return "survived";
                });
                System.out.println("SUBMITTED");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "whereabouts" -> {
                String variable = args[3];
                jobs.persist(name, "local", () -> List.of(
                        Path.of("").toAbsolutePath().toString(),
                        String.valueOf(System.getenv(variable))));
                System.out.println("SUBMITTED");
            }
            case "race" -> race(jobs, name, args[3], Path.of(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void race(Jobs jobs, String name, String value, Path go) throws InterruptedException {
        // Persist.jobs(home) in main has loaded the runtime: the racers start close together
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                System.out.println("ERROR no start signal " + go + " within 60 s");
                System.exit(2);
            }
            Thread.sleep(2);
        }
        try {
            jobs.persist(name, "local", () -> value);
            System.out.println("SUBMITTED");
        } catch (JobExistsException e) {
            System.out.println("EXISTS");
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
            e.printStackTrace();
            System.exit(2);
        }
    }
}
