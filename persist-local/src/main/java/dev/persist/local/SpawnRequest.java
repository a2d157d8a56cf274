package dev.persist.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process for the {@link LocalSpawner} to start, exactly as {@link LocalJobManager} would start
 * it itself, and its wire form: counts and lengths as big-endian ints, strings as UTF-8. Nothing is
 * ever deserialized as Java objects, and the sizes are bounded before anything is allocated.
 *
 * @param argv the program and its arguments
 * @param directory the working directory
 * @param environment the process's whole environment (the submitter's, plus the job's own variables)
 * @param stdout the file to append standard output to
 * @param stderr the file to append standard error to
 * @param session the file in which the spawner records the process it started (see {@link Session})
 * @param ticket the job's queue ticket, which the spawner deletes if the process cannot be started
 */
record SpawnRequest(List<String> argv, Path directory, Map<String, String> environment, Path stdout, Path stderr,
        Path session, Path ticket) {

    /** Caps what a request may hold: generous for an environment, small enough to bound memory. */
    private static final int MAX_STRINGS = 1 << 16;
    private static final int MAX_BYTES = 1 << 24;

    SpawnRequest {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /** @return a builder for this process, its input from {@code /dev/null}, its output appended to files */
    ProcessBuilder processBuilder() {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(argv.size());
        for (String arg : argv) {
            writeString(out, arg);
        }
        writeString(out, directory.toString());
        out.writeInt(environment.size());
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            writeString(out, variable.getKey());
            writeString(out, variable.getValue());
        }
        writeString(out, stdout.toString());
        writeString(out, stderr.toString());
        writeString(out, session.toString());
        writeString(out, ticket.toString());
    }

    /**
     * @param in the stream, positioned at a request
     * @return the request
     * @throws IOException if the stream ends early or holds something that is not a request
     */
    static SpawnRequest read(DataInputStream in) throws IOException {
        int arguments = count(in);
        List<String> argv = new ArrayList<>(arguments);
        for (int i = 0; i < arguments; i++) {
            argv.add(readString(in));
        }
        Path directory = Path.of(readString(in));
        int variables = count(in);
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = 0; i < variables; i++) {
            environment.put(readString(in), readString(in));
        }
        Path stdout = Path.of(readString(in));
        Path stderr = Path.of(readString(in));
        Path session = Path.of(readString(in));
        Path ticket = Path.of(readString(in));
        if (argv.isEmpty()) {
            throw new IOException("Invalid spawn request: no program");
        }
        return new SpawnRequest(argv, directory, environment, stdout, stderr, session, ticket);
    }

    private static int count(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_STRINGS) {
            throw new IOException("Invalid spawn request: a count of " + count + " (at most " + MAX_STRINGS + ")");
        }
        return count;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("Invalid spawn request: a string of " + length + " bytes (at most " + MAX_BYTES + ")");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("Spawn request cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
