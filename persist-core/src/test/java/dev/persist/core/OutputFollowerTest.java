package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFollowerTest {

    @TempDir
    Path dir;

    private void append(Path file, byte... bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void copiesWhatIsAppendedAndKeepsACharacterSplitBetweenWritesWhole() throws IOException {
        Path file = dir.resolve("stdout");
        append(file, "a".getBytes(StandardCharsets.UTF_8));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        try (OutputFollower follower = new OutputFollower(file, out)) {
            follower.copy();
            assertEquals("a", out.toString());

            append(file, euro[0], euro[1]);
            follower.copy();
            assertEquals("a", out.toString(), "half a character waits for the rest");

            append(file, euro[2]);
            append(file, "b\n".getBytes(StandardCharsets.UTF_8));
            follower.copy();
            assertEquals("a€b\n", out.toString());

            append(file, euro[0]);
            follower.finish();
            assertEquals("a€b\n\uFFFD", out.toString(), "a truncated character at the very end is replaced");
        }
    }

    @Test
    void aFailingDestinationStopsTheCopy() throws IOException {
        Path file = dir.resolve("stderr");
        append(file, "x".getBytes(StandardCharsets.UTF_8));
        Writer closed = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (OutputFollower follower = new OutputFollower(file, closed)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, follower::copy);
            assertEquals("Broken pipe", e.getCause().getMessage());
        }
    }
}
