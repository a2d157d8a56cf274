package dev.persist.core;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The class path a Java job runs with: the entries of the submitting JVM's class path, each pinned
 * as a content-addressed snapshot ({@code <home>/snapshots/<sha256>.jar}, hard-linked into the job
 * directory's {@code classpath/}), and the entries that could not be pinned, with the reason.
 *
 * @param entries the pinned entries in class path order; an entry whose content equals an earlier
 *     one's is left out, as the earlier one would always win
 * @param skipped the entries left out, such as a jar that does not exist
 */
public record PinnedClasspath(List<Entry> entries, List<Skipped> skipped) {

    /** The class path of a job that runs no Java task, or of a job written by format 1. */
    public static final PinnedClasspath NONE = new PinnedClasspath(List.of(), List.of());

    /** Makes the lists immutable. */
    public PinnedClasspath {
        entries = List.copyOf(entries);
        skipped = List.copyOf(skipped);
    }

    /**
     * @param jobDirectory the job's directory
     * @return the runner's class path: the job's links to the snapshot entries, in order
     */
    public String path(Path jobDirectory) {
        return join(e -> e.link(jobDirectory));
    }

    /**
     * @param home the Persist home
     * @return the shared snapshot files, in order: the same for every job with the same class
     *     path, which names its class data archive ({@link RunnerArchives})
     */
    public String sharedPath(Path home) {
        return join(e -> e.snapshot(home));
    }

    /** A class path of one file per entry, without streams (persist() builds two). */
    private String join(Function<Entry, Path> file) {
        StringJoiner path = new StringJoiner(File.pathSeparator);
        for (Entry e : entries) {
            path.add(file.apply(e).toString());
        }
        return path.toString();
    }

    /** @return the skipped entries with their reasons, e.g. {@code /a/b.jar (does not exist), /c (...)} */
    public String describeSkipped() {
        return skipped.stream().map(Skipped::toString).collect(Collectors.joining(", "));
    }

    /**
     * A pinned class path entry.
     *
     * @param source the absolute path it was pinned from: a jar, or a class directory packed into a jar
     * @param sha256 the hash of the snapshot's bytes, lower-case hex; the snapshot is {@code <sha256>.jar}
     * @param size the snapshot's size in bytes
     */
    public record Entry(String source, String sha256, long size) {

        /** Checks the components. */
        public Entry {
            Objects.requireNonNull(source, "source is null");
            if (!Snapshots.isHash(sha256)) {
                throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 hash in lower-case hex");
            }
        }

        /** @return the snapshot's file name, {@code <sha256>.jar} */
        public String fileName() {
            return sha256 + ".jar";
        }

        /**
         * @param home the Persist home
         * @return the shared snapshot, {@code <home>/snapshots/<sha256>.jar}
         */
        public Path snapshot(Path home) {
            return home.resolve(Snapshots.DIRECTORY).resolve(fileName());
        }

        /**
         * @param jobDirectory the job's directory
         * @return the job's hard link to the snapshot
         */
        public Path link(Path jobDirectory) {
            return jobDirectory.resolve(JobDir.CLASSPATH).resolve(fileName());
        }
    }

    /**
     * A class path entry that was not pinned.
     *
     * @param source its path
     * @param reason why, e.g. "does not exist"
     */
    public record Skipped(String source, String reason) {

        /** Checks the components. */
        public Skipped {
            Objects.requireNonNull(source, "source is null");
            Objects.requireNonNull(reason, "reason is null");
        }

        @Override
        public String toString() {
            return source + " (" + reason + ")";
        }
    }
}
