package dev.persist.slurm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes sure the private single-node test cluster runs: starts it with
 * {@code src/test/cluster/slurm-test-cluster.sh} once per test run (unless it already runs, for
 * example started by hand) and stops it when the run ends, cancelling every job first. The tests
 * reach it through {@code SLURM_CONF}, which surefire sets.
 *
 * <p>Without Slurm's programs the tests are skipped, unless the environment variable {@code CI} is
 * set: under CI a missing cluster is a failure, never a skip.
 */
final class SlurmCluster implements BeforeAllCallback {

    static final Path STATE = Path.of(System.getProperty("persist.slurm.test.state", "/tmp/persist-slurm-test"));
    private static final Path SCRIPT = Path.of(System.getProperty("persist.slurm.test.script",
            "src/test/cluster/slurm-test-cluster.sh"));
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SlurmCluster.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, k -> start(), Running.class);
    }

    /** The cluster for this test run; closed by JUnit at the end of the run. */
    private record Running(boolean startedHere) implements AutoCloseable {
        @Override
        public void close() {
            if (startedHere) {
                String output = script("stop");
                if (output != null) {
                    System.err.println("The test cluster did not stop cleanly: " + output);
                }
            }
        }
    }

    private static Running start() {
        String conf = System.getenv("SLURM_CONF");
        if (conf == null || !Path.of(conf).equals(STATE.resolve("slurm.conf"))) {
            fail("SLURM_CONF must be " + STATE.resolve("slurm.conf") + " (surefire sets it); it is " + conf);
        }
        if (!installed()) {
            String missing = "Slurm is not installed (no sbatch, slurmctld or munged on the PATH); "
                    + "install it with: apt-get install -y slurm-wlm munge";
            if (System.getenv("CI") != null) {
                fail(missing + ". The variable CI is set, so the Slurm tests must run.");
            }
            Assumptions.abort(missing + ". Skipping the Slurm integration tests (they would fail under CI).");
        }
        if (script("status") == null) {
            return new Running(false);
        }
        String failure = script("start");
        if (failure != null) {
            fail("Cannot start the test cluster with " + SCRIPT + " start " + STATE + ": " + failure);
        }
        return new Running(true);
    }

    private static boolean installed() {
        // The daemons live in /usr/sbin, which a non-root PATH often lacks.
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        List<String> dirs = List.of(path.split(":"));
        return List.of("sbatch", "slurmctld", "slurmd", "munged").stream()
                .allMatch(program -> dirs.stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, program))));
    }

    /** Runs the cluster script; returns null if it succeeded, else what it printed. */
    private static String script(String action) {
        try {
            Path output = Files.createTempFile("slurm-test-cluster", ".out");
            try {
                Process p = new ProcessBuilder("/bin/sh", SCRIPT.toString(), action, STATE.toString())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return action + " did not finish within 180 s: " + Files.readString(output);
                }
                return p.exitValue() == 0 ? null : "exit code " + p.exitValue() + ": " + Files.readString(output);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
