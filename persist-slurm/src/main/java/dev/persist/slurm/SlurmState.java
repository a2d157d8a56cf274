package dev.persist.slurm;

import dev.persist.spi.BackendState.Phase;
import java.util.Locale;
import java.util.Optional;

/**
 * Slurm's job states (squeue's and sacct's long names) and what each means for a Persist job.
 * A state that ends the job other than by completing is FAILED, with the reason in words.
 */
enum SlurmState {
    PENDING(Phase.PENDING, "pending"),
    CONFIGURING(Phase.PENDING, "configuring its nodes"),
    REQUEUED(Phase.PENDING, "requeued"),
    REQUEUE_FED(Phase.PENDING, "requeued by the federation"),
    REQUEUE_HOLD(Phase.PENDING, "requeued and held"),
    RESV_DEL_HOLD(Phase.PENDING, "held because its reservation was deleted"),
    SPECIAL_EXIT(Phase.PENDING, "held after a special exit"),
    RUNNING(Phase.ACTIVE, "running"),
    SUSPENDED(Phase.ACTIVE, "suspended"),
    STOPPED(Phase.ACTIVE, "stopped"),
    COMPLETING(Phase.ACTIVE, "completing"),
    STAGE_OUT(Phase.ACTIVE, "staging out"),
    SIGNALING(Phase.ACTIVE, "being signalled"),
    RESIZING(Phase.ACTIVE, "resizing"),
    COMPLETED(Phase.COMPLETED, "completed"),
    FAILED(Phase.FAILED, "failed"),
    TIMEOUT(Phase.FAILED, "time limit reached"),
    OUT_OF_MEMORY(Phase.FAILED, "out of memory"),
    NODE_FAIL(Phase.FAILED, "its node failed"),
    BOOT_FAIL(Phase.FAILED, "its node failed to boot"),
    DEADLINE(Phase.FAILED, "its deadline passed"),
    PREEMPTED(Phase.FAILED, "preempted"),
    CANCELLED(Phase.CANCELLED, "cancelled"),
    REVOKED(Phase.GONE, "revoked: it runs on another cluster of the federation");

    private final Phase phase;
    private final String words;

    SlurmState(Phase phase, String words) {
        this.phase = phase;
        this.words = words;
    }

    /** @return what the state means for the job */
    Phase phase() {
        return phase;
    }

    /** @return the state in words, such as "pending" or "time limit reached" */
    String words() {
        return words;
    }

    /**
     * @param text a state as squeue or sacct prints it, such as {@code RUNNING} or
     *     {@code CANCELLED by 1000}
     * @return the state, or empty if it is not one Persist knows
     */
    static Optional<SlurmState> parse(String text) {
        String word = text.strip();
        int space = word.indexOf(' ');
        if (space >= 0) {
            word = word.substring(0, space);
        }
        try {
            return Optional.of(valueOf(word.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
