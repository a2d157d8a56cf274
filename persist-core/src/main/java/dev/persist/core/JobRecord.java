package dev.persist.core;

import dev.persist.JobOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of {@code job.json}: what was submitted, where, how, and the backend's handle.
 *
 * @param name the job's name
 * @param backend the backend's name
 * @param kind what the job runs
 * @param submitted when it was submitted
 * @param host the submitting host
 * @param workingDirectory where the job runs
 * @param command what the job's wrapper runs: the runner JVM's command line, or the user's command
 * @param classpath the pinned class path a Java task runs with; {@link PinnedClasspath#NONE} for a
 *     command, and for a Java job written by format 1 (which ran from the class path as it was)
 * @param options the job's options
 * @param handle the backend's handle; empty until the backend has started the job
 */
public record JobRecord(String name, String backend, JobKind kind, Instant submitted, String host,
        String workingDirectory, List<String> command, PinnedClasspath classpath, JobOptions options,
        Map<String, String> handle) {

    /**
     * The format this version writes; it reads this one and older ones, and refuses a newer one
     * with an upgrade hint. Format 2 added the pinned class path.
     */
    public static final int FORMAT = 2;

    /** Checks the components and makes the collections immutable. */
    public JobRecord {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(backend, "backend is null");
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(submitted, "submitted is null");
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(workingDirectory, "workingDirectory is null");
        command = List.copyOf(command);
        Objects.requireNonNull(classpath, "classpath is null");
        Objects.requireNonNull(options, "options is null");
        handle = Map.copyOf(handle);
    }

    /**
     * @param newHandle the backend's handle
     * @return this record with the handle
     */
    public JobRecord withHandle(Map<String, String> newHandle) {
        return new JobRecord(name, backend, kind, submitted, host, workingDirectory, command,
                classpath, options, newHandle);
    }

    /** @return the record as {@code job.json} text */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("name", name);
        json.put("backend", backend);
        json.put("kind", kind.name().toLowerCase(Locale.ROOT));
        json.put("submitted", submitted.toString());
        json.put("host", host);
        json.put("workingDirectory", workingDirectory);
        json.put("command", command);
        json.put("classpath", classpath.entries().stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("source", e.source());
            entry.put("sha256", e.sha256());
            entry.put("size", e.size());
            return entry;
        }).toList());
        json.put("classpathSkipped", classpath.skipped().stream()
                .map(e -> Map.of("source", e.source(), "reason", e.reason())).toList());
        json.put("options", optionsToJson(options));
        json.put("handle", new TreeMap<>(handle));
        return Json.write(json);
    }

    private static Map<String, Object> optionsToJson(JobOptions options) {
        Map<String, Object> json = new LinkedHashMap<>();
        options.timeLimit().ifPresent(limit -> json.put("timeLimitSeconds", limit.toSeconds()));
        options.cpus().ifPresent(cpus -> json.put("cpus", cpus));
        options.memoryMegabytes().ifPresent(mb -> json.put("memoryMegabytes", mb));
        json.put("jvmOptions", options.jvmOptions());
        json.put("environment", options.environment());
        json.put("options", options.options());
        return json;
    }

    /**
     * @param text the content of a {@code job.json}
     * @return the record
     * @throws IllegalArgumentException if the text is not a valid job description, saying what is
     *     wrong; a {@link NewerFormatException} for a newer format, saying which version wrote it
     */
    public static JobRecord fromJson(String text) {
        if (!(Json.parse(text) instanceof Map<?, ?> json)) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        long format = number(json, "format");
        if (format > FORMAT) {
            throw new NewerFormatException("it was written by a newer version of Persist (format " + format
                    + "; this version reads format " + FORMAT + " and older): upgrade Persist to open it");
        }
        if (format < 1) {
            throw new IllegalArgumentException("it has an invalid format number " + format);
        }
        Instant submitted;
        try {
            submitted = Instant.parse(string(json, "submitted"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'submitted' is not a timestamp");
        }
        String kindName = string(json, "kind");
        JobKind kind;
        try {
            kind = JobKind.valueOf(kindName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'kind' is neither 'java' nor 'command'");
        }
        return new JobRecord(string(json, "name"), string(json, "backend"), kind, submitted,
                string(json, "host"), string(json, "workingDirectory"), strings(json, "command"),
                classpathFromJson(json), optionsFromJson(string(json, "backend"), map(json, "options")), stringMap(json, "handle"));
    }

    /** The description was written by a newer version of Persist: upgrading, not deleting, is the fix. */
    public static final class NewerFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NewerFormatException(String message) {
            super(message);
        }
    }

    /** Format 1 has no pinned class path (its jobs ran from the class path as it was): none. */
    private static PinnedClasspath classpathFromJson(Map<?, ?> json) {
        if (!json.containsKey("classpath")) {
            return PinnedClasspath.NONE;
        }
        List<PinnedClasspath.Entry> entries = new ArrayList<>();
        for (Map<?, ?> e : maps(json, "classpath")) {
            entries.add(new PinnedClasspath.Entry(string(e, "source"), string(e, "sha256"), number(e, "size")));
        }
        List<PinnedClasspath.Skipped> skipped = new ArrayList<>();
        for (Map<?, ?> e : maps(json, "classpathSkipped")) {
            skipped.add(new PinnedClasspath.Skipped(string(e, "source"), string(e, "reason")));
        }
        return new PinnedClasspath(entries, skipped);
    }

    private static List<Map<?, ?>> maps(Map<?, ?> json, String key) {
        if (field(json, key) instanceof List<?> list && list.stream().allMatch(Map.class::isInstance)) {
            return list.stream().<Map<?, ?>>map(m -> (Map<?, ?>) m).toList();
        }
        throw new IllegalArgumentException("'" + key + "' is not a list of objects");
    }

    private static JobOptions optionsFromJson(String backend, Map<?, ?> json) {
        JobOptions options = JobOptions.backend(backend);
        if (json.containsKey("timeLimitSeconds")) {
            options = options.timeLimit(Duration.ofSeconds(number(json, "timeLimitSeconds")));
        }
        if (json.containsKey("cpus")) {
            long cpus = number(json, "cpus");
            if (cpus != (int) cpus) {
                throw new IllegalArgumentException("'cpus' is out of range: " + cpus);
            }
            options = options.cpus((int) cpus); // which checks the range it allows
        }
        if (json.containsKey("memoryMegabytes")) {
            options = options.memory(number(json, "memoryMegabytes") + "M");
        }
        options = options.jvmOptions(strings(json, "jvmOptions").toArray(String[]::new));
        for (Map.Entry<String, String> e : stringMap(json, "environment").entrySet()) {
            options = options.environment(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : stringMap(json, "options").entrySet()) {
            options = options.option(e.getKey(), e.getValue());
        }
        return options;
    }

    private static Object field(Map<?, ?> json, String key) {
        Object value = json.get(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }

    private static String string(Map<?, ?> json, String key) {
        if (field(json, key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("'" + key + "' is not a string");
    }

    private static long number(Map<?, ?> json, String key) {
        if (field(json, key) instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException("'" + key + "' is not an integer");
    }

    private static Map<?, ?> map(Map<?, ?> json, String key) {
        if (field(json, key) instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("'" + key + "' is not an object");
    }

    private static List<String> strings(Map<?, ?> json, String key) {
        if (field(json, key) instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("'" + key + "' is not a list of strings");
    }

    private static Map<String, String> stringMap(Map<?, ?> json, String key) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(json, key).entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw new IllegalArgumentException("'" + key + "." + e.getKey() + "' is not a string");
            }
            result.put((String) e.getKey(), value);
        }
        return result;
    }
}
