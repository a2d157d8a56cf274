package dev.persist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Where and with what a job runs: the backend's name, portable resources (time limit, CPUs,
 * memory, JVM options, environment) and backend-specific options. Immutable: every {@code with}
 * method returns a new instance, so one instance can serve as a template.
 *
 * <pre>{@code
 * JobOptions opts = JobOptions.backend("slurm")
 *         .timeLimit(Duration.ofHours(2))
 *         .cpus(8)
 *         .memory("16G")
 *         .jvmOptions("-Xmx12g")
 *         .environment("OMP_NUM_THREADS", "8")
 *         .option("partition", "compute");
 * }</pre>
 *
 * <p>Each backend documents which {@link #options() options} it understands and rejects the others
 * when the job is persisted. The {@code local} backend enforces the time limit itself; it treats
 * {@code cpus} as the number of local queue slots the job occupies. The {@code slurm} backend passes the
 * resources to {@code sbatch} (the time limit rounded up to whole minutes) and understands the
 * options {@code partition}, {@code account}, {@code qos}, {@code constraint}, {@code gres},
 * {@code gpus}, and {@code sbatch.NAME} for any other long sbatch option {@code --NAME=VALUE}
 * (an empty value gives the flag {@code --NAME}); each becomes exactly one argument.
 */
public final class JobOptions {


    private final String backend;
    private final Duration timeLimit;
    private final Integer cpus;
    private final Long memoryMegabytes;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Map<String, String> options;

    private JobOptions(String backend, Duration timeLimit, Integer cpus, Long memoryMegabytes,
            List<String> jvmOptions, Map<String, String> environment, Map<String, String> options) {
        this.backend = backend;
        this.timeLimit = timeLimit;
        this.cpus = cpus;
        this.memoryMegabytes = memoryMegabytes;
        this.jvmOptions = jvmOptions;
        this.environment = environment;
        this.options = options;
    }

    /**
     * Options for a backend, with no resources set.
     *
     * @param backend the backend's name, such as {@code local} or {@code slurm}
     * @return new options
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public static JobOptions backend(String backend) {
        Objects.requireNonNull(backend, "backend is null");
        if (!isLowerCaseName(backend, false)) {
            throw new IllegalArgumentException("Invalid backend name '" + backend
                    + "': backend names are 1 to 64 characters of [a-z0-9_-], starting with a letter");
        }
        return new JobOptions(backend, null, null, null, List.of(), Map.of(), Map.of());
    }

    /**
     * @param limit the longest the job may run, at least one second; on reaching it the job is
     *     stopped (TERM, then KILL after a grace period) and reads FAILED with reason "time limit"
     * @return new options with the time limit set
     */
    public JobOptions timeLimit(Duration limit) {
        Objects.requireNonNull(limit, "limit is null");
        if (limit.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("Invalid time limit " + limit + ": it must be at least 1 second");
        }
        return new JobOptions(backend, limit, cpus, memoryMegabytes, jvmOptions, environment, options);
    }

    /**
     * @param count the number of CPUs the job uses, 1 to 100000
     * @return new options with the CPU count set
     */
    public JobOptions cpus(int count) {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("Invalid CPU count " + count + ": it must be between 1 and 100000");
        }
        return new JobOptions(backend, timeLimit, count, memoryMegabytes, jvmOptions, environment, options);
    }

    /**
     * @param amount memory for the job, as a number with an optional unit K, M (the default), G or
     *     T, like Slurm's {@code --mem}: {@code "512M"}, {@code "16G"}
     * @return new options with the memory set
     */
    public JobOptions memory(String amount) {
        Objects.requireNonNull(amount, "amount is null");
        var m = MemoryAmount.PATTERN.matcher(amount.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid memory '" + amount
                    + "': expected a number with an optional unit K, M, G or T, such as 512M or 16G");
        }
        long n = Long.parseLong(m.group(1));
        long megabytes = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> (n + 1023) / 1024;
            case "G" -> Math.multiplyExact(n, 1024L);
            case "T" -> Math.multiplyExact(n, 1024L * 1024L);
            default -> n;
        };
        if (megabytes < 1) {
            throw new IllegalArgumentException("Invalid memory '" + amount + "': it must be at least 1M");
        }
        return new JobOptions(backend, timeLimit, cpus, megabytes, jvmOptions, environment, options);
    }

    /**
     * @param jvmOptions options for the job's JVM, each one argument (such as {@code -Xmx4g} or
     *     {@code -Dkey=value}); added to those already set
     * @return new options with the JVM options appended
     */
    public JobOptions jvmOptions(String... jvmOptions) {
        Objects.requireNonNull(jvmOptions, "jvmOptions is null");
        List<String> all = new ArrayList<>(this.jvmOptions);
        for (String option : jvmOptions) {
            Objects.requireNonNull(option, "a JVM option is null");
            if (!option.startsWith("-") || option.indexOf('\0') >= 0 || option.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("Invalid JVM option '" + option
                        + "': each JVM option is one argument starting with '-', without newlines");
            }
            all.add(option);
        }
        return new JobOptions(backend, timeLimit, cpus, memoryMegabytes, List.copyOf(all), environment, options);
    }

    /**
     * @param key an environment variable name, {@code [A-Za-z_][A-Za-z0-9_]*}, at most 256 characters
     * @param value its value for the job; the job otherwise inherits the submitter's environment
     * @return new options with the variable set
     */
    public JobOptions environment(String key, String value) {
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(value, "value is null");
        if (!isVariableName(key)) {
            throw new IllegalArgumentException("Invalid environment variable name '" + key
                    + "': names are 1 to 256 letters, digits and '_', not starting with a digit");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Invalid value for environment variable " + key + ": it contains a NUL character");
        }
        return new JobOptions(backend, timeLimit, cpus, memoryMegabytes, jvmOptions, with(environment, key, value), options);
    }

    /**
     * @param key a backend-specific option, such as {@code partition} for Slurm or {@code slots}
     *     for local; lower-case {@code [a-z][a-z0-9._-]*}
     * @param value its value, passed to the backend as one argument
     * @return new options with the option set
     */
    public JobOptions option(String key, String value) {
        Objects.requireNonNull(key, "key is null");
        Objects.requireNonNull(value, "value is null");
        if (!isLowerCaseName(key, true)) {
            throw new IllegalArgumentException("Invalid option name '" + key
                    + "': option names are 1 to 64 characters of [a-z0-9._-], starting with a letter");
        }
        if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("Invalid value for option " + key + ": it contains a NUL or newline character");
        }
        return new JobOptions(backend, timeLimit, cpus, memoryMegabytes, jvmOptions, environment, with(options, key, value));
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(map);
        copy.put(key, value);
        return Collections.unmodifiableMap(copy);
    }

    /** @return the backend's name */
    public String backend() {
        return backend;
    }

    /** @return the time limit, if set */
    public Optional<Duration> timeLimit() {
        return Optional.ofNullable(timeLimit);
    }

    /** @return the CPU count, if set */
    public OptionalInt cpus() {
        return cpus == null ? OptionalInt.empty() : OptionalInt.of(cpus);
    }

    /** @return the memory in megabytes (1024 * 1024 bytes), if set */
    public OptionalLong memoryMegabytes() {
        return memoryMegabytes == null ? OptionalLong.empty() : OptionalLong.of(memoryMegabytes);
    }

    /** @return the JVM options, in order; empty if none */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** @return the environment variables set for the job, in insertion order */
    public Map<String, String> environment() {
        return environment;
    }

    /** @return the backend-specific options, in insertion order */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobOptions other
                && backend.equals(other.backend)
                && Objects.equals(timeLimit, other.timeLimit)
                && Objects.equals(cpus, other.cpus)
                && Objects.equals(memoryMegabytes, other.memoryMegabytes)
                && jvmOptions.equals(other.jvmOptions)
                && environment.equals(other.environment)
                && options.equals(other.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, timeLimit, cpus, memoryMegabytes, jvmOptions, environment, options);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("JobOptions[backend=").append(backend);
        if (timeLimit != null) s.append(", timeLimit=").append(timeLimit);
        if (cpus != null) s.append(", cpus=").append(cpus);
        if (memoryMegabytes != null) s.append(", memory=").append(memoryMegabytes).append('M');
        if (!jvmOptions.isEmpty()) s.append(", jvmOptions=").append(jvmOptions);
        if (!environment.isEmpty()) s.append(", environment=").append(environment.keySet());
        if (!options.isEmpty()) s.append(", options=").append(options);
        return s.append(']').toString();
    }

    /** The form of {@link #memory(String)}'s amount, compiled when first used (see below). */
    private static final class MemoryAmount {
        static final Pattern PATTERN = Pattern.compile("([0-9]{1,12})([KMGT]?)B?", Pattern.CASE_INSENSITIVE);
    }

    // Names are checked without regular expressions: every job's JVM reads its options, and
    // java.util.regex costs a short-lived JVM milliseconds to set up.

    /** Whether {@code s} is {@code [a-z][a-z0-9_-]{0,63}}, or {@code [a-z][a-z0-9._-]{0,63}} with dots. */
    private static boolean isLowerCaseName(String s, boolean dots) {
        if (s.isEmpty() || s.length() > 64 || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || dots && c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is {@code [A-Za-z_][A-Za-z0-9_]{0,255}}. */
    private static boolean isVariableName(String s) {
        if (s.isEmpty() || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
