package dev.persist.local;

import static dev.persist.core.JobTesting.assertMentions;
import static dev.persist.local.LocalTestSupport.findInJobDirectory;
import static dev.persist.local.LocalTestSupport.run;
import static dev.persist.local.LocalTestSupport.runningAsRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.persist.Job;
import dev.persist.JobStatus;
import dev.persist.Persist;
import dev.persist.PersistException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A damaged, newer or foreign job directory gets a clear error, and is never deserialized. */
class CorruptionAndSecurityTest extends LocalJobTestBase {

    private Job<String> finishedJob(String name) {
        Job<String> job = jobs.persist(name, "local", () -> "precious");
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        return job;
    }

    /** Opens the job afresh and fetches it; whichever step refuses, it must be a PersistException. */
    private PersistException refused(String name) {
        PersistException e = assertThrows(PersistException.class, () -> Persist.jobs(home).open(name).fetch());
        assertMentions(e.getMessage(), name);
        return e;
    }

    @Test
    void corruptedResultGivesAClearErrorWithoutKryoInternals() throws IOException {
        Job<String> job = finishedJob("garbled");
        Path result = findInJobDirectory(job, "result.bin");
        Files.write(result, "garbage, not a Persist result\n".repeat(8).getBytes(StandardCharsets.US_ASCII));

        PersistException e = assertThrows(PersistException.class, job::fetch);

        assertMentions(e.getMessage(), "garbled");
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        assertFalse(message.contains("esotericsoftware"), e.getMessage());
        assertFalse(message.contains("kryo"), e.getMessage());
    }

    @Test
    void jobFromANewerFormatVersionIsRefused() throws IOException {
        Job<String> job = finishedJob("future");
        Path descriptor = findInJobDirectory(job, "job.json");
        String json = Files.readString(descriptor);
        String newer = json.replaceFirst("(\"format\"\\s*:\\s*)\\d+", "$1999");
        assertNotEquals(json, newer, "job.json has no numeric \"format\" field:\n" + json);
        Files.writeString(descriptor, newer);

        PersistException e = assertThrows(PersistException.class, () -> {
            Job<?> opened = Persist.jobs(home).open("future");
            opened.status();
            opened.fetch();
        });

        assertMentions(e.getMessage(), "newer");
        assertMentions(e.getMessage(), "format");
        assertFalse(e.getMessage().contains("remove"), "deleting is not the fix for a newer format: " + e.getMessage());
    }

    @Test
    void damagedExceptionRecordGivesAClearError() throws IOException {
        Job<String> job = jobs.persist("broken-failure", "local", () -> {
            throw new IllegalStateException("original");
        });
        assertEquals(JobStatus.FAILED, job.await(GENEROUS), job::info);
        Files.write(findInJobDirectory(job, "failure.bin"), "not a serialized exception".getBytes(StandardCharsets.US_ASCII));

        PersistException e = assertThrows(PersistException.class, job::fetch);

        assertMentions(e.getMessage(), "Cannot read the exception of job 'broken-failure'");
        assertMentions(job.info(), "IllegalStateException: original"); // error.txt still tells what happened
    }

    @Test
    void damagedJobDescriptionSaysHowToFreeTheName() throws IOException {
        Job<String> job = finishedJob("mangled");
        Files.writeString(findInJobDirectory(job, "job.json"), "{\"format\": 1, \"name\": ");

        PersistException e = refused("mangled");

        assertMentions(e.getMessage(), "job.json");
        assertMentions(e.getMessage(), "remove " + job.directory());
    }

    @Test
    void damagedExitMarkerReadsAsFailedAndTheJobCanBeCleanedUp() throws IOException {
        Job<String> job = finishedJob("scrambled");
        Files.writeString(findInJobDirectory(job, "exit"), "not a number\n");

        Job<?> opened = Persist.jobs(home).open("scrambled");
        assertEquals(JobStatus.FAILED, opened.status());
        assertMentions(opened.info(), "damaged");
        opened.cleanup();

        assertFalse(Files.exists(job.directory()));
    }

    @Test
    void jobDirectoryWritableByOthersIsRefused() throws IOException {
        Job<String> job = finishedJob("open-door");
        Files.setPosixFilePermissions(job.directory(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertMentions(refused("open-door").getMessage(), "permission");
    }

    @Test
    void jobDirectoryOwnedBySomeoneElseIsRefused() {
        assumeTrue(runningAsRoot(tmp), "needs root to give the directory away");
        Job<String> job = finishedJob("foreign");
        run("chown", "65534", job.directory().toString());

        assertMentions(refused("foreign").getMessage(), "own");
    }

    @Test
    void freshJobDirectoryIsPrivate() throws IOException {
        Job<String> job = jobs.persist("private", local(), () -> {
            Thread.sleep(1_000);
            return "slept";
        });

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(job.directory())));
        assertEquals(JobStatus.DONE, job.await(GENEROUS), job::info);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(job.directory())));
    }
}
