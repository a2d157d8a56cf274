package dev.persist.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
 * straight into memory, so that the next job with the same class path starts in about two thirds
 * of the time.
 *
 * <p>An archive is only valid for the class path, {@code java} and JVM options it was made with,
 * so it is named by the SHA-256 of those ({@code <key>.jsa}), with the class path written as the
 * shared snapshot files ({@code <home>/snapshots/<sha256>.jar}), which are the same for every job
 * with the same code. The job that makes it runs from those files; every other job runs from its
 * own links to them, which the JVM accepts as the same files (it compares device and inode).
 *
 * <p>The first job with a key makes the archive as its JVM exits ({@code -XX:ArchiveClassesAtExit},
 * a few hundred milliseconds once), into {@code <key>.<job>.dump}, which {@code persist()} creates
 * empty to tell other jobs that one is being made. The JVM crashes on a truncated
 * archive, so a dump is only used once the job that wrote it has recorded an exit status below 128
 * (its JVM exited rather than being killed mid-write): the next {@code persist()} with the key then
 * renames it to {@code <key>.jsa}. A dump whose job was killed, or is gone, is deleted. While a
 * dump is being written, other jobs with the key run without an archive.
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
    /** Beside each archive: the class path it was made for, so that {@link #collectGarbage} can tell when it is useless. */
    static final String CLASSPATH_SUFFIX = ".classpath";

    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";
    private static final List<String> OWN_CHOICE = List.of("-Xshare:", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:-UseSharedSpaces", "-XX:+AutoCreateSharedArchive");

    private final Path home;
    private final Path dir;

    /** @param home the Persist home */
    RunnerArchives(Path home) {
        this.home = home;
        this.dir = home.resolve(DIRECTORY);
    }

    /**
     * How a Java job's runner JVM is started.
     *
     * @param options the JVM options to put before the job's own: the archive to use or to make
     * @param classpath the class path: the job's links to its snapshots, or, for the job that
     *     makes the archive, the shared snapshots (whose paths every later job's links are the same
     *     files as, which is what the JVM checks)
     */
    record RunnerJvm(List<String> options, String classpath) {
    }

    /**
     * Decides whether a job's runner uses the archive for its class path, makes it, or neither.
     *
     * @param job the job's name
     * @param jobDirectory where the job's directory will be
     * @param java the {@code java} the job runs
     * @param jvmOptions the job's own JVM options
     * @param classpath the job's pinned class path
     * @return the runner's archive options and class path
     * @throws IOException if the archive directory cannot be created or is not private
     */
    RunnerJvm runner(String job, Path jobDirectory, String java, List<String> jvmOptions, PinnedClasspath classpath)
            throws IOException {
        RunnerJvm plain = new RunnerJvm(List.of(), classpath.path(jobDirectory));
        for (String option : jvmOptions) {
            if (OWN_CHOICE.stream().anyMatch(option::startsWith)) {
                return plain;
            }
        }
        SecureFiles.createPrivateDirectories(dir);
        SecureFiles.checkPrivate(dir, "the Persist class data archive directory");
        String shared = classpath.sharedPath(home);
        String key = key(java, jvmOptions, shared);
        Path archive = dir.resolve(key + ARCHIVE_SUFFIX);
        if (Files.exists(archive) || adoptDump(key, archive)) {
            SecureFiles.checkPrivate(archive, "the class data archive of the job's class path");
            return new RunnerJvm(List.of(QUIET, "-XX:SharedArchiveFile=" + archive), plain.classpath());
        }
        if (dumpInProgress(key)) {
            return plain;
        }
        Path sidecar = dir.resolve(key + CLASSPATH_SUFFIX);
        if (!Files.exists(sidecar)) {
            SecureFiles.writeAtomically(sidecar, shared.getBytes(StandardCharsets.UTF_8));
        }
        // Empty until the JVM replaces it as it exits: tells other jobs that this one makes the archive.
        Path dump = dir.resolve(key + "." + job + DUMP_SUFFIX);
        Files.deleteIfExists(dump);
        Files.createFile(dump, SecureFiles.PRIVATE_FILE);
        return new RunnerJvm(List.of(QUIET, "-XX:ArchiveClassesAtExit=" + dump), shared);
    }

    static String key(String java, List<String> jvmOptions, String classpath) {
        MessageDigest digest = Snapshots.sha256();
        digest.update((java + '\0' + System.getProperty("java.vm.version") + '\0' + String.join("\0", jvmOptions)
                + '\0' + classpath).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Renames a finished dump of the key to the archive; deletes those that cannot be trusted. */
    private boolean adoptDump(String key, Path archive) throws IOException {
        try (DirectoryStream<Path> dumps = Files.newDirectoryStream(dir, key + ".*" + DUMP_SUFFIX)) {
            for (Path dump : dumps) {
                Optional<Boolean> complete = dumpComplete(dump, key);
                if (complete.isEmpty()) {
                    continue; // its job has not exited yet
                }
                if (complete.get() && Files.size(dump) > 0) {
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

    private boolean dumpInProgress(String key) throws IOException {
        try (DirectoryStream<Path> dumps = Files.newDirectoryStream(dir, key + ".*" + DUMP_SUFFIX)) {
            return dumps.iterator().hasNext();
        }
    }

    /**
     * @return empty while the dump's job has not recorded its exit; true if its JVM exited (so the
     *     dump was written whole), false if it was killed or the job is gone
     */
    private Optional<Boolean> dumpComplete(Path dump, String key) {
        String file = dump.getFileName().toString();
        String job = file.substring(key.length() + 1, file.length() - DUMP_SUFFIX.length());
        if (!JobNames.isValid(job)) {
            return Optional.of(false);
        }
        JobDir jobDir = new JobDir(home.resolve("jobs").resolve(job));
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
     * Deletes archives whose class path no longer exists (their snapshots were collected, so no
     * job can use them again) and dumps whose job was killed, is gone, or that are older than
     * {@code limit}.
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
                if (name.endsWith(DUMP_SUFFIX) && Snapshots.isHash(key)) {
                    if (!dumpComplete(file, key).orElse(true)) {
                        Files.deleteIfExists(file);
                    } else {
                        Snapshots.deleteIfOlder(file, limit);
                    }
                } else if (name.endsWith(CLASSPATH_SUFFIX) && Snapshots.isHash(key) && !classpathExists(file)) {
                    Files.deleteIfExists(dir.resolve(key + ARCHIVE_SUFFIX));
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static boolean classpathExists(Path sidecar) throws IOException {
        for (String entry : Files.readString(sidecar, StandardCharsets.UTF_8).split(File.pathSeparator)) {
            if (!Files.exists(Path.of(entry))) {
                return false;
            }
        }
        return true;
    }
}
