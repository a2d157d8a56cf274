package dev.persist.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spawner's wire form: what goes in comes out, and what is not a request is refused before allocating. */
class SpawnRequestTest {

    private static final SpawnRequest REQUEST = new SpawnRequest(List.of("setsid", "/bin/sh", "x y", "ünïcödé", ""),
            Path.of("/work dir"), Map.of("A", "1", "EMPTY", "", "NEWLINE", "a\nb"), Path.of("/j/stdout"),
            Path.of("/j/stderr"), Path.of("/j/local.session"), Path.of("/q/1-j.wait"));

    private static byte[] bytes(SpawnRequest request) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        request.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static SpawnRequest read(byte[] bytes) throws IOException {
        return SpawnRequest.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void aRequestReadsBackAsWritten() throws IOException {
        assertEquals(REQUEST, read(bytes(REQUEST)));
    }

    @Test
    void aRequestCutShortIsAnError() throws IOException {
        byte[] whole = bytes(REQUEST);
        assertThrows(EOFException.class, () -> read(Arrays.copyOf(whole, whole.length - 3)));
    }

    @Test
    void impossibleCountsAndLengthsAreRefusedBeforeAnythingIsAllocated() {
        IOException count = assertThrows(IOException.class, () -> read(new byte[] {(byte) 0xff, 0, 0, 0}));
        assertEquals("Invalid spawn request: a count of -16777216 (at most 65536)", count.getMessage());
        IOException length = assertThrows(IOException.class, () -> read(new byte[] {0, 0, 0, 1, 0x7f, 0, 0, 0}));
        assertEquals("Invalid spawn request: a string of 2130706432 bytes (at most 16777216)", length.getMessage());
    }

    @Test
    void aRequestWithoutAProgramIsRefused() throws IOException {
        SpawnRequest empty = new SpawnRequest(List.of(), Path.of("/"), Map.of(), Path.of("/o"), Path.of("/e"),
                Path.of("/s"), Path.of("/t"));
        IOException e = assertThrows(IOException.class, () -> read(bytes(empty)));
        assertEquals("Invalid spawn request: no program", e.getMessage());
    }
}
