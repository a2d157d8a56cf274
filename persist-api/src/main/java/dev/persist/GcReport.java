package dev.persist;

import java.util.Locale;

/**
 * What {@link Jobs#gc()} did: the class path snapshots it deleted because no job used them any
 * more, and those it kept.
 *
 * @param removed how many snapshots were deleted
 * @param removedBytes their total size in bytes
 * @param kept how many snapshots are still used by jobs
 * @param keptBytes their total size in bytes
 */
public record GcReport(int removed, long removedBytes, int kept, long keptBytes) {

    @Override
    public String toString() {
        return "removed " + removed + " unused class path snapshot(s) (" + megabytes(removedBytes) + "); kept "
                + kept + " in use (" + megabytes(keptBytes) + ")";
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
