package dev.persist.core;

import dev.persist.JobOptions;
import dev.persist.PersistException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The content of {@code job.json}: what was submitted, where, how, and the backend's handle.
 * Immutable; two records are equal if all their components are (comparing them reads deferred ones).
 *
 * <p>A record read by {@link #fromJsonDeferred(String, Supplier)} leaves out the two large
 * components, the {@link #command()} and the {@link #classpath()} (some kilobytes of text), and
 * reads them again when they are first asked for: listing jobs and their status needs neither.
 */
public final class JobRecord {

    /**
     * The format this version writes; it reads this one and older ones, and refuses a newer one
     * with an upgrade hint. Format 2 added the pinned class path.
     */
    public static final int FORMAT = 2;

    /** The fields of the components {@link #fromJsonDeferred(String, Supplier)} leaves out. */
    private static final Set<String> DEFERRED = Set.of("command", "classpath", "classpathSkipped");

    private final String name;
    private final String backend;
    private final JobKind kind;
    private final Instant submitted;
    private final String host;
    private final String workingDirectory;
    private final Deferred large;
    private final JobOptions options;
    private final Map<String, String> handle;

    /**
     * Checks the components and makes the collections immutable.
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
    public JobRecord(String name, String backend, JobKind kind, Instant submitted, String host,
            String workingDirectory, List<String> command, PinnedClasspath classpath, JobOptions options,
            Map<String, String> handle) {
        this(name, backend, kind, submitted, host, workingDirectory, new Deferred(new Large(command, classpath)),
                options, handle);
    }

    private JobRecord(String name, String backend, JobKind kind, Instant submitted, String host,
            String workingDirectory, Deferred large, JobOptions options, Map<String, String> handle) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.backend = Objects.requireNonNull(backend, "backend is null");
        this.kind = Objects.requireNonNull(kind, "kind is null");
        this.submitted = Objects.requireNonNull(submitted, "submitted is null");
        this.host = Objects.requireNonNull(host, "host is null");
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory is null");
        this.large = large;
        this.options = Objects.requireNonNull(options, "options is null");
        this.handle = Map.copyOf(handle);
    }

    /** @return the job's name */
    public String name() {
        return name;
    }

    /** @return the backend's name */
    public String backend() {
        return backend;
    }

    /** @return what the job runs */
    public JobKind kind() {
        return kind;
    }

    /** @return when it was submitted */
    public Instant submitted() {
        return submitted;
    }

    /** @return the submitting host */
    public String host() {
        return host;
    }

    /** @return where the job runs */
    public String workingDirectory() {
        return workingDirectory;
    }

    /**
     * @return what the job's wrapper runs: the runner JVM's command line, or the user's command
     * @throws RuntimeException for a record read by {@link #fromJsonDeferred(String, Supplier)}, what
     *     its source throws; a {@link PersistException} if the job was replaced by another of the same name
     */
    public List<String> command() {
        return large.get(this).command();
    }

    /**
     * @return the pinned class path a Java task runs with; {@link PinnedClasspath#NONE} for a
     *     command, and for a Java job written by format 1 (which ran from the class path as it was)
     * @throws RuntimeException for a record read by {@link #fromJsonDeferred(String, Supplier)}, what
     *     its source throws; a {@link PersistException} if the job was replaced by another of the same name
     */
    public PinnedClasspath classpath() {
        return large.get(this).classpath();
    }

    /** @return the job's options */
    public JobOptions options() {
        return options;
    }

    /** @return the backend's handle; empty until the backend has started the job */
    public Map<String, String> handle() {
        return handle;
    }

    /**
     * @param newHandle the backend's handle
     * @return this record with the handle
     */
    public JobRecord withHandle(Map<String, String> newHandle) {
        return new JobRecord(name, backend, kind, submitted, host, workingDirectory, large, options, newHandle);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobRecord r && name.equals(r.name) && backend.equals(r.backend) && kind == r.kind
                && submitted.equals(r.submitted) && host.equals(r.host) && workingDirectory.equals(r.workingDirectory)
                && command().equals(r.command()) && classpath().equals(r.classpath()) && options.equals(r.options)
                && handle.equals(r.handle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, backend, kind, submitted, host, workingDirectory, command(), classpath(), options,
                handle);
    }

    /** @return the components but the command and the class path, which may not have been read */
    @Override
    public String toString() {
        return "JobRecord[name=" + name + ", backend=" + backend + ", kind=" + kind + ", submitted=" + submitted
                + ", host=" + host + ", workingDirectory=" + workingDirectory + ", options=" + options
                + ", handle=" + handle + "]";
    }

    /** @return the record as {@code job.json} text */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("name", name);
        json.put("backend", backend);
        json.put("kind", kind.name().toLowerCase(Locale.ROOT));
        json.put("submitted", formatInstant(submitted));
        json.put("host", host);
        json.put("workingDirectory", workingDirectory);
        json.put("command", command());
        List<Map<String, Object>> entries = new ArrayList<>(classpath().entries().size());
        for (PinnedClasspath.Entry e : classpath().entries()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("source", e.source());
            entry.put("sha256", e.sha256());
            entry.put("size", e.size());
            entries.add(entry);
        }
        json.put("classpath", entries);
        List<Map<String, Object>> skipped = new ArrayList<>(classpath().skipped().size());
        for (PinnedClasspath.Skipped e : classpath().skipped()) {
            skipped.add(Map.of("source", e.source(), "reason", e.reason()));
        }
        json.put("classpathSkipped", skipped);
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
     * @return the record, checked in full
     * @throws IllegalArgumentException if the text is not a valid job description, saying what is
     *     wrong; a {@link NewerFormatException} for a newer format, saying which version wrote it
     */
    public static JobRecord fromJson(String text) {
        Map<?, ?> json = jobObject(Json.parse(text));
        return fromJson(json, new Deferred(new Large(strings(json, "command"), classpathFromJson(json))));
    }

    /**
     * Reads a record but its {@link #command()} and {@link #classpath()}, which are only checked
     * for JSON syntax: they are taken from {@code source} (checked to describe the same job) when
     * first asked for. This keeps neither them nor the text in memory.
     *
     * @param text the content of a {@code job.json}
     * @param source reads the {@code job.json} again, in full ({@link #fromJson(String)})
     * @return the record
     * @throws IllegalArgumentException if the text is not a valid job description, saying what is
     *     wrong; a {@link NewerFormatException} for a newer format, saying which version wrote it
     */
    static JobRecord fromJsonDeferred(String text, Supplier<JobRecord> source) {
        Map<?, ?> json = jobObject(Json.parse(text, DEFERRED));
        field(json, "command");
        if (json.containsKey("classpath")) {
            field(json, "classpathSkipped");
        }
        return fromJson(json, new Deferred(Objects.requireNonNull(source, "source is null")));
    }

    /** The parsed {@code job.json}, checked to be an object of a format this version reads. */
    private static Map<?, ?> jobObject(Object parsed) {
        if (!(parsed instanceof Map<?, ?> json)) {
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
        return json;
    }

    /** The record of a {@link #jobObject}, with the large components as given. */
    private static JobRecord fromJson(Map<?, ?> json, Deferred large) {
        Instant submitted;
        try {
            submitted = parseInstant(string(json, "submitted"));
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
        String backend = string(json, "backend");
        return new JobRecord(string(json, "name"), backend, kind, submitted, string(json, "host"),
                string(json, "workingDirectory"), large, optionsFromJson(backend, map(json, "options")),
                stringMap(json, "handle"));
    }

    /**
     * @param command the command
     * @param classpath the pinned class path
     */
    private record Large(List<String> command, PinnedClasspath classpath) {

        /** Checks the components and makes the command immutable. */
        Large {
            command = List.copyOf(command);
            Objects.requireNonNull(classpath, "classpath is null");
        }
    }

    /** The large components, known or read again when first asked for; thread-safe. */
    private static final class Deferred {
        private volatile Large value;
        /** Reads the {@code job.json} again; null once the value is known. */
        private Supplier<JobRecord> source;

        Deferred(Large value) {
            this.value = value;
        }

        Deferred(Supplier<JobRecord> source) {
            this.source = source;
        }

        /** @param owner a record these are the large components of (records differing in the handle share them) */
        Large get(JobRecord owner) {
            Large v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        JobRecord again = source.get();
                        if (!again.sameJob(owner)) {
                            throw new PersistException("Job '" + owner.name + "' was replaced by another job of that"
                                    + " name (submitted " + again.submitted + ") since it was opened: open it again");
                        }
                        v = again.large.value;
                        value = v;
                        source = null;
                    }
                }
            }
            return v;
        }
    }

    /** Whether the other record describes the same submission, if perhaps with another handle. */
    private boolean sameJob(JobRecord other) {
        return name.equals(other.name) && backend.equals(other.backend) && kind == other.kind
                && submitted.equals(other.submitted) && host.equals(other.host)
                && workingDirectory.equals(other.workingDirectory);
    }

    /**
     * {@link Instant#parse}, but some ten times faster for what {@link Instant#toString()} writes
     * for the years 0 to 9999, {@code 2026-11-30T07:41:20.331915987Z}: listing reads one per job.
     * It touches none of {@code java.time.format} (nor {@code Year}, whose first use builds a
     * formatter) and none of the calendar classes ({@code LocalDate}, {@code ChronoField}), whose
     * setup a short command would otherwise pay for nothing.
     *
     * @param text the timestamp
     * @return the instant
     * @throws DateTimeParseException if it is not an ISO-8601 instant
     */
    static Instant parseInstant(String text) {
        int n = text.length();
        // yyyy-MM-ddTHH:mm:ss, then Z or a fraction of 1 to 9 digits and Z
        if (n < 20 || n > 30 || n == 21 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z'
                || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = n > 20 ? digits(text, 20, n - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || fraction < 0 || day > daysInMonth(year, month)) {
            return Instant.parse(text); // which says what is wrong
        }
        for (int i = n - 1; i < 29; i++) {
            fraction *= 10;
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second, fraction);
    }

    /**
     * @return the instant as {@link Instant#toString()} writes it, for the years 0 to 9999 without
     *     java.time's formatters, whose first use in a JVM costs milliseconds (as {@link #parseInstant}
     *     reads it without its parser): {@code yyyy-MM-ddTHH:mm:ss}, then a fraction of 3, 6 or 9
     *     digits unless it is zero, then {@code Z}
     */
    static String formatInstant(Instant instant) {
        long seconds = instant.getEpochSecond();
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // Howard Hinnant's civil_from_days, the inverse of epochDay: eras of 400 years from 0000-03-01.
        long shifted = Math.floorDiv(seconds, 86_400L) + 719_468;
        long era = Math.floorDiv(shifted, 146_097L);
        int dayOfEra = (int) (shifted - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return instant.toString();
        }
        StringBuilder text = new StringBuilder(30);
        appendDigits(text, (int) year, 4).append('-');
        appendDigits(text, month, 2).append('-');
        appendDigits(text, day, 2).append('T');
        appendDigits(text, secondOfDay / 3600, 2).append(':');
        appendDigits(text, secondOfDay / 60 % 60, 2).append(':');
        appendDigits(text, secondOfDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos != 0) {
            text.append('.');
            if (nanos % 1_000_000 == 0) {
                appendDigits(text, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                appendDigits(text, nanos / 1000, 6);
            } else {
                appendDigits(text, nanos, 9);
            }
        }
        return text.append('Z').toString();
    }

    /** Appends a non-negative number of at most {@code width} digits, with leading zeros. */
    private static StringBuilder appendDigits(StringBuilder text, int value, int width) {
        int end = text.length() + width;
        text.append("0".repeat(width));
        for (int i = end - 1; value > 0; i--, value /= 10) {
            text.setCharAt(i, (char) ('0' + value % 10));
        }
        return text;
    }

    /** @return the length of a month of the proleptic Gregorian calendar, as {@code java.time} has it */
    private static int daysInMonth(int year, int month) {
        if (month == 2) {
            return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
        }
        return 30 + ((month + month / 8) & 1); // 31 for January, March, May, July, August, October, December
    }

    /**
     * @return the days from 1970-01-01 to a valid date of the proleptic Gregorian calendar of a
     *     year from 0 to 9999, as {@code LocalDate.toEpochDay()} counts them (Howard Hinnant's
     *     {@code days_from_civil}: years start in March, so that February's leap day comes last)
     */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /** The decimal number in {@code text[start, end)}, or -1 if it is not all ASCII digits. */
    private static int digits(String text, int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
        if (field(json, key) instanceof List<?> list) {
            List<Map<?, ?>> maps = new ArrayList<>(list.size());
            for (Object element : list) {
                if (element instanceof Map<?, ?> map) {
                    maps.add(map);
                }
            }
            if (maps.size() == list.size()) {
                return maps;
            }
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
        List<String> jvmOptions = strings(json, "jvmOptions");
        if (!jvmOptions.isEmpty()) {
            options = options.jvmOptions(jvmOptions.toArray(String[]::new));
        }
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
        if (field(json, key) instanceof List<?> list) {
            List<String> strings = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof String string)) {
                    throw new IllegalArgumentException("'" + key + "' is not a list of strings");
                }
                strings.add(string);
            }
            return strings;
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
