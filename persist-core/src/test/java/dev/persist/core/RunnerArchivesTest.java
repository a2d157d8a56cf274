package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.PersistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a job gets a class data archive, makes one, or neither; what gc deletes. The JVM's side
 * (making and mapping the archive) is tested with real jobs in persist-local.
 */
class RunnerArchivesTest {

    private static final String JAVA = "/opt/jdk/bin/java";

    @TempDir
    Path tmp;

    private Path home;
    private PinnedClasspath pinned;
    private String classpath;
    private RunnerArchives archives;

    @BeforeEach
    void createHome() throws IOException {
        home = tmp.resolve("home");
        Files.createDirectories(home.resolve("jobs"));
        pinned = new PinnedClasspath(List.of(new PinnedClasspath.Entry("/app/a.jar", "a".repeat(64), 3)), List.of());
        classpath = pinned.sharedPath(home);
        archives = new RunnerArchives(home, home.resolve("jobs"));
    }

    private List<String> options(String job, String... jvmOptions) throws IOException {
        return archives.options(job, JAVA, List.of(jvmOptions), pinned);
    }

    private Path cds() {
        return home.resolve(RunnerArchives.DIRECTORY);
    }

    private String key(String... jvmOptions) {
        return RunnerArchives.key(JAVA, List.of(jvmOptions), classpath);
    }

    private Path dump(String job) {
        return cds().resolve(key() + "." + job + RunnerArchives.DUMP_SUFFIX);
    }

    private Path archive() {
        return cds().resolve(key() + RunnerArchives.ARCHIVE_SUFFIX);
    }

    /** A job directory with its class path links' directory, and an exit marker if {@code exit} is not null. */
    private void job(String name, Integer exit) throws IOException {
        Path dir = home.resolve("jobs").resolve(name);
        Files.createDirectories(dir.resolve(JobDir.CLASSPATH));
        if (exit != null) {
            Files.writeString(dir.resolve(JobDir.EXIT), exit + "\n");
        }
    }

    /** What the JVM does as it exits with -XX:ArchiveClassesAtExit: replaces the placeholder. */
    private void jvmDumps(String job) throws IOException {
        Files.delete(dump(job));
        Files.writeString(dump(job), "archive of " + job);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(cds())) {
            return list.map(p -> p.getFileName().toString().replace(key(), "KEY")).sorted().toList();
        }
    }

    @Test
    void theFirstJobMakesTheArchiveAsItsJvmExitsAndLaterJobsUseItWhileThatJobExists() throws IOException {
        List<String> first = options("first");
        assertEquals(List.of("-Xlog:cds=off,cds+dynamic=off", "-XX:ArchiveClassesAtExit=" + dump("first")), first);
        assertEquals(0, Files.size(dump("first")), "an empty placeholder tells others an archive is being made");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dump("first"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cds())));

        job("first", null);
        assertEquals(List.of(), options("while-dumping"), "no archive while the first job's JVM runs");

        jvmDumps("first");
        job("first", 0);
        List<String> later = options("later");
        assertEquals(List.of("-Xlog:cds=off,cds+dynamic=off", "-XX:SharedArchiveFile=" + archive()), later);
        assertEquals("archive of first", Files.readString(archive()));
        assertEquals("first", Files.readString(cds().resolve(key() + RunnerArchives.MAKER_SUFFIX)),
                "the archive names the first job's links: it serves while they exist");
        assertEquals(List.of("KEY.job", "KEY.jsa"), files());
        assertEquals(later, options("again"));

        SecureFiles.deleteRecursively(home.resolve("jobs").resolve("first")); // cleaned up
        assertEquals("-XX:ArchiveClassesAtExit=" + dump("next"), options("next").get(1), "a new archive, by the next job");
        assertFalse(Files.exists(archive()));
    }

    @Test
    void aJobThatFailedStillLeavesAWholeArchiveButAKilledOneDoesNot() throws IOException {
        options("threw");
        job("threw", 1);
        jvmDumps("threw");
        assertTrue(options("next").get(1).startsWith("-XX:SharedArchiveFile="), "exit 1: the JVM exited and wrote it whole");

        Files.delete(archive());
        options("killed");
        job("killed", 137);
        jvmDumps("killed");
        List<String> next = options("after-kill");
        assertEquals("-XX:ArchiveClassesAtExit=" + dump("after-kill"), next.get(1),
                "a JVM killed while writing may leave a truncated archive, which would crash the next JVM: not used");
        assertFalse(Files.exists(dump("killed")));
        assertFalse(Files.exists(archive()));
    }

    @Test
    void aDumpWhoseJobIsGoneOrEmptyIsDiscarded() throws IOException {
        options("gone");
        jvmDumps("gone");
        assertEquals("-XX:ArchiveClassesAtExit=" + dump("mine"), options("mine").get(1), "the job was cleaned up");
        assertFalse(Files.exists(dump("gone")));

        job("mine", 0); // exited without writing an archive: the placeholder stays empty
        assertEquals("-XX:ArchiveClassesAtExit=" + dump("third"), options("third").get(1));
        assertFalse(Files.exists(dump("mine")));
    }

    @Test
    void aDumpWhoseJobHasADamagedExitMarkerIsNotTrusted() throws IOException {
        options("damaged");
        jvmDumps("damaged");
        job("damaged", null);
        Files.writeString(home.resolve("jobs").resolve("damaged").resolve(JobDir.EXIT), "garbage\n");

        assertEquals("-XX:ArchiveClassesAtExit=" + dump("next"), options("next").get(1));
        assertFalse(Files.exists(dump("damaged")));
    }

    @Test
    void anArchiveWhoseMakerFileIsDamagedOrMissingIsMadeAgain() throws IOException {
        options("maker");
        jvmDumps("maker");
        job("maker", 0);
        options("user");
        assertTrue(Files.exists(archive()));
        Path maker = cds().resolve(key() + RunnerArchives.MAKER_SUFFIX);

        Files.writeString(maker, "../escape");
        assertEquals("-XX:ArchiveClassesAtExit=" + dump("after-damage"), options("after-damage").get(1));
        assertEquals(List.of("KEY.after-damage.dump"), files());
    }

    @Test
    void jvmOptionsAndClassPathArePartOfTheKey() {
        assertNotEquals(key(), key("-Xmx1g"));
        assertNotEquals(key(), RunnerArchives.key(JAVA, List.of(), classpath + ":" + classpath));
        assertNotEquals(key(), RunnerArchives.key("/other/bin/java", List.of(), classpath));
        assertNotEquals(RunnerArchives.key(JAVA, List.of("-Da", "b"), classpath), RunnerArchives.key(JAVA, List.of("-Da b"), classpath));
    }

    @Test
    void jobsChoosingClassDataSharingThemselvesGetNoArchive() throws IOException {
        for (String own : List.of("-Xshare:off", "-Xshare:on", "-XX:SharedArchiveFile=/x.jsa",
                "-XX:ArchiveClassesAtExit=/y.jsa", "-XX:-UseSharedSpaces")) {
            assertEquals(List.of(), options("own", "-Xmx1g", own), own);
        }
        assertFalse(Files.exists(cds()), "nothing written for them");
    }

    @Test
    void anArchiveDirectoryOthersCanWriteIsRefused() throws IOException {
        Files.createDirectories(cds());
        Files.setPosixFilePermissions(cds(), PosixFilePermissions.fromString("rwxrwxrwx"));
        PersistException e = assertThrows(PersistException.class, () -> options("x"));
        assertTrue(e.getMessage().contains("can be written by other users"), e.getMessage());
    }

    @Test
    void gcDeletesArchivesWhoseJobIsGoneAndAbandonedDumps() throws IOException {
        options("kept");
        jvmDumps("kept");
        job("kept", 0);
        options("user");
        assertTrue(Files.exists(archive()));
        String other = RunnerArchives.key(JAVA, List.of("-Xmx1g"), classpath);
        options("running", "-Xmx1g");
        job("running", null);

        archives.collectGarbage(Instant.now().minusSeconds(3600));
        assertEquals(Stream.of("KEY.job", "KEY.jsa", other + ".running.dump").sorted().toList(), files(), "all still useful");

        Files.setLastModifiedTime(cds().resolve(other + ".running.dump"), FileTime.from(Instant.now().minusSeconds(7200)));
        SecureFiles.deleteRecursively(home.resolve("jobs").resolve("kept"));
        archives.collectGarbage(Instant.now().minusSeconds(3600));
        assertEquals(List.of(), files());
    }
}
