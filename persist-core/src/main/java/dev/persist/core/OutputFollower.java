package dev.persist.core;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Copies what is appended to a job's output file to an {@link Appendable}, decoding UTF-8 across
 * reads (a character split between two writes comes out whole), as {@code tail -f} does.
 */
final class OutputFollower implements Closeable {

    private static final int BUFFER = 64 * 1024;

    private final FileChannel file;
    private final Appendable out;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);

    /**
     * @param file the output file, read from its start
     * @param out where its content goes
     * @throws IOException if the file cannot be opened
     */
    OutputFollower(Path file, Appendable out) throws IOException {
        this.file = FileChannel.open(file);
        this.out = out;
    }

    /**
     * Copies everything appended since the last call.
     *
     * @throws UncheckedIOException if the file cannot be read or {@code out} fails
     */
    void copy() {
        try {
            boolean copied = false;
            while (file.read(bytes) > 0) {
                bytes.flip();
                decode(false);
                bytes.compact();
                copied = true;
            }
            if (copied && out instanceof Flushable flushable) {
                flushable.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the rest, including an incomplete character at the very end (as a replacement character). */
    void finish() throws IOException {
        copy();
        bytes.flip();
        decode(true);
        decoder.flush(chars);
        emit();
        if (out instanceof Flushable flushable) {
            flushable.flush();
        }
    }

    private void decode(boolean endOfInput) throws IOException {
        CoderResult result;
        do {
            result = decoder.decode(bytes, chars, endOfInput);
            emit();
        } while (result.isOverflow());
    }

    private void emit() throws IOException {
        chars.flip();
        if (chars.hasRemaining()) {
            out.append(chars);
        }
        chars.clear();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
