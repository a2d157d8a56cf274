package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.slurm.CommandRunner.CommandResult;
import dev.persist.slurm.CommandRunner.CommandTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real runner starts real processes: arguments verbatim, output captured, a timeout enforced. */
class ExecCommandRunnerTest {

    private final ExecCommandRunner runner = new ExecCommandRunner();

    @Test
    void argumentsReachTheProgramVerbatimAndBothOutputsAreCaptured() throws IOException {
        String odd = "a 'b' \"c\" $HOME `x` ; | *";

        CommandResult result = runner.run(List.of("sh", "-c", "printf '%s|%s' \"$1\" \"$VAR\"; echo oops >&2; exit 3",
                "sh", odd), Map.of("VAR", "v w"), Duration.ofSeconds(30));

        assertEquals(new CommandResult(3, odd + "|v w", "oops\n"), result);
    }

    @Test
    void aCommandOutlivingItsTimeoutIsKilled() {
        long start = System.nanoTime();

        CommandTimeoutException e = assertThrows(CommandTimeoutException.class,
                () -> runner.run(List.of("sleep", "30"), Map.of(), Duration.ofMillis(500)));

        assertEquals("sleep did not finish within 500 ms and was killed", e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the watchdog killed it");
    }

    @Test
    void aMissingProgramSaysWhichAndWhatToCheck() {
        IOException e = assertThrows(IOException.class,
                () -> runner.run(List.of("sbatch-not-installed"), Map.of(), Duration.ofSeconds(5)));

        assertTrue(e.getMessage().startsWith("Cannot run sbatch-not-installed: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(is Slurm installed, and is sbatch-not-installed on the PATH?)"), e.getMessage());
    }
}
