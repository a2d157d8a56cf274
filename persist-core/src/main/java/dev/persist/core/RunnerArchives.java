package dev.persist.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Class data sharing archives for the runner JVM, in {@code <home>/cds/}: the classes a Java job's
 * JVM loads (the JDK's, Kryo's, Persist's and the task's own) stored once in the form the JVM maps
 * straight into memory, so that later jobs with the same class path start sooner.
 *
 * <p>An archive is only valid for the class path, {@code java} and JVM options it was made with,
 * so it is named by the SHA-256 of those ({@code <key>.jsa}), with the class path written as the
 * shared snapshot files ({@code <home>/snapshots/<sha256>.jar}), which are the same for every job
 * with the same code. Every job runs from its own links to the snapshots; the archive records the
 * links of the job that made it, and the JVM accepts another job's links as the same files (it
 * compares device and inode). So an archive serves as long as the job that made it exists
 * ({@code <key>.job} names it); after that job is cleaned up, the next job makes a new one.
 *
 * <p>The first job with a key makes the archive as its JVM exits ({@code -XX:ArchiveClassesAtExit},
 * a few hundred milliseconds once), into {@code <key>.<job>.dump}, which {@code persist()} creates
 * empty to tell other jobs that one is being made. The JVM crashes on a truncated archive, so a
 * dump is only used once the job that wrote it has recorded an exit status below 128 (its JVM
 * exited rather than being killed mid-write): the next {@code persist()} with the key then renames
 * it to {@code <key>.jsa}. A dump whose job was killed, or is gone, is deleted. While a dump is
 * being written, other jobs with the key run without an archive.
 *
 * <p>Jobs whose JVM options choose class data sharing themselves ({@code -Xshare:...},
 * {@code -XX:SharedArchiveFile=...}, {@code -XX:ArchiveClassesAtExit=...}, {@code -XX:-UseSharedSpaces})
 * get no archive; {@code -Xshare:off} turns it off for a job. The JVM silently ignores an archive
 * it cannot use (another JDK at the same path, say), and its messages about archives are turned
 * off so that they do not end up in the job's output.
 */
final class RunnerArchives {

    static final String DIRECTORY = "cds";
    static final String ARCHIVE_SUFFIX = ".jsa";
    static final String DUMP_SUFFIX = ".dump";
    /** Beside each archive: the name of the job that made it, whose class path links the archive names. */
    static final String MAKER_SUFFIX = ".job";

    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";
    private static final List<String> OWN_CHOICE = List.of("-Xshare:", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:-UseSharedSpaces", "-XX:+AutoCreateSharedArchive");

    private final Path home;
    private final Path dir;
    private final Path jobsDir;

    /**
     * @param home the Persist home
     * @param jobsDir its jobs directory
     */
    RunnerArchives(Path home, Path jobsDir) {
        this.home = home;
        this.dir = home.resolve(DIRECTORY);
        this.jobsDir = jobsDir;
    }

    /**
     * Decides whether a job's runner uses the archive for its class path, makes it, or neither.
     *
     * @param job the job's name
     * @param java the {@code java} the job runs
     * @param jvmOptions the job's own JVM options
     * @param classpath the job's pinned class path
     * @return the JVM options to put before the job's own; empty if it gets no archive
     * @throws IOException if the archive directory cannot be created or is not private
     */
    List<String> options(String job, String java, List<String> jvmOptions, PinnedClasspath classpath) throws IOException {
        for (String option : jvmOptions) {
            if (OWN_CHOICE.stream().anyMatch(option::startsWith)) {
                return List.of();
            }
        }
        SecureFiles.createPrivateDirectories(dir);
        SecureFiles.checkPrivate(dir, "the Persist class data archive directory");
        String key = key(java, jvmOptions, classpath.sharedPath(home));
        Path archive = dir.resolve(key + ARCHIVE_SUFFIX);
        if ((Files.exists(archive) || adoptDump(key, archive)) && usable(key)) {
            SecureFiles.checkPrivate(archive, "the class data archive of the job's class path");
            return List.of(QUIET, "-XX:SharedArchiveFile=" + archive);
        }
        if (dumpInProgress(key)) {
            return List.of();
        }
        // Empty until the JVM replaces it as it exits: tells other jobs that this one makes the archive.
        Path dump = dir.resolve(key + "." + job + DUMP_SUFFIX);
        Files.deleteIfExists(dump);
        Files.createFile(dump, SecureFiles.PRIVATE_FILE);
        return List.of(QUIET, "-XX:ArchiveClassesAtExit=" + dump);
    }

    static String key(String java, List<String> jvmOptions, String sharedClasspath) {
        MessageDigest digest = Snapshots.sha256();
        digest.update((java + '\0' + System.getProperty("java.vm.version") + '\0' + String.join("\0", jvmOptions)
                + '\0' + sharedClasspath).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Renames a finished dump of the key to the archive, naming its job; deletes those that cannot be trusted. */
    private boolean adoptDump(String key, Path archive) throws IOException {
        try (DirectoryStream<Path> dumps = dumps(key)) {
            for (Path dump : dumps) {
                Optional<Boolean> complete = dumpComplete(dump, key);
                if (complete.isEmpty()) {
                    continue; // its job has not exited yet
                }
                if (complete.get() && Files.size(dump) > 0) {
                    SecureFiles.writeAtomically(dir.resolve(key + MAKER_SUFFIX),
                            maker(dump, key).getBytes(StandardCharsets.UTF_8));
                    Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                }
                Files.deleteIfExists(dump);
            }
        } catch (NoSuchFileException e) {
            return Files.exists(archive); // another JVM adopted it meanwhile
        }
        return false;
    }

    /**
     * Whether the archive's class path still exists: the links of the job that made it. If not,
     * deletes the archive (the JVM would ignore it), so that the next job makes a new one.
     */
    private boolean usable(String key) throws IOException {
        Path maker = dir.resolve(key + MAKER_SUFFIX);
        try {
            String job = Files.readString(maker, StandardCharsets.UTF_8);
            if (JobNames.isValid(job) && Files.isDirectory(classpathOf(job), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        } catch (NoSuchFileException e) {
            // adopted by an earlier version, or its maker file was deleted: make it again
        }
        Files.deleteIfExists(dir.resolve(key + ARCHIVE_SUFFIX));
        Files.deleteIfExists(maker);
        return false;
    }

    private Path classpathOf(String job) {
        return jobsDir.resolve(job).resolve(JobDir.CLASSPATH);
    }

    private boolean dumpInProgress(String key) throws IOException {
        try (DirectoryStream<Path> dumps = dumps(key)) {
            return dumps.iterator().hasNext();
        }
    }

    /** The dumps of the key, {@code <key>.<job>.dump}. */
    private DirectoryStream<Path> dumps(String key) throws IOException {
        return Files.newDirectoryStream(dir, key + ".*" + DUMP_SUFFIX);
    }

    /** The name of the job that writes a dump, from the dump's file name. */
    private static String maker(Path dump, String key) {
        String file = dump.getFileName().toString();
        return file.substring(key.length() + 1, file.length() - DUMP_SUFFIX.length());
    }

    /**
     * @return empty while the dump's job has not recorded its exit; true if its JVM exited (so the
     *     dump was written whole), false if it was killed or the job is gone
     */
    private Optional<Boolean> dumpComplete(Path dump, String key) {
        String job = maker(dump, key);
        if (!JobNames.isValid(job)) {
            return Optional.of(false);
        }
        JobDir jobDir = new JobDir(jobsDir.resolve(job));
        try {
            Optional<Integer> exit = jobDir.exitStatus();
            if (exit.isPresent()) {
                return Optional.of(exit.get() < 128);
            }
        } catch (IOException e) {
            return Optional.of(false);
        }
        return Files.isDirectory(jobDir.path()) ? Optional.empty() : Optional.of(false);
    }

    /**
     * Deletes archives whose class path is gone (the job that made them was cleaned up) and dumps
     * whose job was killed, is gone, or that are older than {@code limit}.
     *
     * @param limit dumps last modified before this are deleted whatever their job's state
     */
    void collectGarbage(Instant limit) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        SecureFiles.checkPrivate(dir, "the Persist class data archive directory");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String key = name.length() > 64 ? name.substring(0, 64) : "";
                if (!Snapshots.isHash(key)) {
                    continue;
                }
                if (name.endsWith(DUMP_SUFFIX)) {
                    if (!dumpComplete(file, key).orElse(true)) {
                        Files.deleteIfExists(file);
                    } else {
                        Snapshots.deleteIfOlder(file, limit);
                    }
                } else if (name.equals(key + ARCHIVE_SUFFIX)) {
                    usable(key);
                }
            }
        }
    }
}
