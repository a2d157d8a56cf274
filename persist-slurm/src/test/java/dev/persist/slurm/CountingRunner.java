package dev.persist.slurm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs commands with the real runner and counts them by program: how many scheduler calls Persist makes. */
final class CountingRunner implements CommandRunner {

    private final CommandRunner real = new ExecCommandRunner();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public CommandResult run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException {
        calls.computeIfAbsent(command.get(0), k -> new AtomicInteger()).incrementAndGet();
        return real.run(command, environment, timeout);
    }

    /** @return the calls since the last reset, by program, e.g. {squeue=1} */
    Map<String, Integer> calls() {
        Map<String, Integer> counts = new TreeMap<>();
        calls.forEach((program, n) -> counts.put(program, n.get()));
        return counts;
    }

    void reset() {
        calls.clear();
    }
}
