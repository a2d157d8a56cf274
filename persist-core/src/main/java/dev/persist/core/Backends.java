package dev.persist.core;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.persist.BackendInfo;
import dev.persist.JobOptions;
import dev.persist.spi.BackendName;
import dev.persist.spi.JobManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The backends of one Persist home, by name. Nothing is discovered or constructed until a backend
 * is first needed, so that reading a finished job's status costs no backend at all; then only the
 * backend needed is constructed, if its class declares its name ({@link BackendName}): a local
 * job's status never constructs the Slurm backend. A backend that declares no name is constructed
 * at discovery, to learn it. Each backend is constructed on its own: one whose constructor throws
 * is reported and skipped, the others work.
 */
public final class Backends {

    private final Supplier<BackendDiscovery> discovery;
    private final Function<Class<? extends JobManager>, JobManager> factory;
    /** Guards the fields below. */
    private final Object lock = new Object();
    /**
     * The backend classes of each name not resolved yet, in discovery order (the first that can be
     * constructed wins); null until discovery.
     */
    private Map<String, List<Candidate>> candidates;
    private final Map<String, JobManager> resolved = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    /** How many of {@link #problems} {@link #get} has logged. */
    private int logged;

    /**
     * @param discovery finds the backend classes; called once, on first use
     * @param factory constructs a backend class (core's injector); may throw
     */
    public Backends(Supplier<BackendDiscovery> discovery, Function<Class<? extends JobManager>, JobManager> factory) {
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.factory = Objects.requireNonNull(factory, "factory is null");
    }

    /** Discovers the backend classes, once, and learns their names. */
    private void discover() {
        if (candidates != null) {
            return;
        }
        BackendDiscovery discovered = discovery.get();
        candidates = new LinkedHashMap<>();
        problems.addAll(discovered.problems());
        for (Class<? extends JobManager> type : discovered.types()) {
            BackendName declared = type.getAnnotation(BackendName.class);
            JobManager constructed = null;
            String name;
            if (declared == null) {
                constructed = create(type);
                if (constructed == null) {
                    continue;
                }
                name = constructed.id();
            } else {
                name = declared.value();
                try {
                    JobOptions.backend(name); // the name users must be able to type
                } catch (IllegalArgumentException e) {
                    problems.add("Backend " + describe(type) + " declares a name users cannot type (@BackendName), "
                            + "so it is skipped: " + e.getMessage());
                    continue;
                }
            }
            candidates.computeIfAbsent(name, n -> new ArrayList<>()).add(new Candidate(type, constructed));
        }
    }

    /**
     * @param type a backend class
     * @param constructed the backend, if it was constructed at discovery (it declares no name)
     */
    private record Candidate(Class<? extends JobManager> type, JobManager constructed) {
    }

    /**
     * Constructs a backend.
     *
     * @return the backend, or null if its constructor threw or its name cannot be used (reported)
     */
    private JobManager create(Class<? extends JobManager> type) {
        try {
            JobManager manager = factory.apply(type);
            JobOptions.backend(manager.id()); // the name users must be able to type
            return manager;
        } catch (RuntimeException | LinkageError e) {
            problems.add("Backend " + describe(type) + " could not be created, so it is skipped: " + cause(e));
            return null;
        }
    }

    /**
     * Settles which backend has the name, if that is not settled yet: the first of its classes, in
     * discovery order, that can be constructed and whose {@code id()} is that name. Any later one
     * is reported, without being constructed.
     */
    private void resolve(String name) {
        List<Candidate> found = candidates.remove(name);
        if (found == null) {
            return;
        }
        JobManager winner = null;
        for (Candidate candidate : found) {
            Class<? extends JobManager> type = candidate.type();
            if (winner != null) {
                problems.add("Two backends are named '" + name + "': " + describe(winner.getClass()) + " and "
                        + describe(type) + "; using the first. Remove one of the jars.");
                continue;
            }
            JobManager manager = candidate.constructed();
            if (manager == null) {
                manager = create(type);
                if (manager != null && !manager.id().equals(name)) {
                    problems.add("Backend " + describe(type) + " declares the name '" + name + "' (@BackendName) but "
                            + "its id() returns '" + manager.id() + "', so it is skipped; make them the same");
                    manager = null;
                }
            }
            winner = manager;
        }
        if (winner != null) {
            resolved.put(name, winner);
        }
    }

    /** Settles every name. */
    private void resolveAll() {
        discover();
        new ArrayList<>(candidates.keySet()).forEach(this::resolve);
    }

    private static String describe(Class<?> type) {
        return type.getName() + " (" + BackendDiscovery.location(type) + ")";
    }

    /** What went wrong, in one line: the constructor's own exception rather than the injector's wrapping. */
    private static String cause(Throwable e) {
        Throwable t = e;
        while (t instanceof ProvisionException && t.getCause() != null) {
            t = t.getCause();
        }
        Collection<Message> messages = t instanceof CreationException c ? c.getErrorMessages()
                : t instanceof ConfigurationException c ? c.getErrorMessages() : List.of();
        if (!messages.isEmpty()) {
            return messages.iterator().next().getMessage().lines().findFirst().orElse("").strip();
        }
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /**
     * Constructs the backend of that name if it is not constructed yet (and any backend whose class
     * declares no name); logs, once each, the problems met so far.
     *
     * @param name a backend's name
     * @return the backend
     * @throws IllegalArgumentException naming the known backends and the nearest one
     */
    public JobManager get(String name) {
        JobManager manager;
        List<String> unlogged = List.of();
        Set<String> known = null;
        synchronized (lock) {
            discover();
            resolve(name);
            manager = resolved.get(name);
            if (logged < problems.size()) {
                unlogged = List.copyOf(problems.subList(logged, problems.size()));
                logged = problems.size();
            }
            if (manager == null) {
                known = new TreeSet<>(resolved.keySet());
                known.addAll(candidates.keySet());
            }
        }
        // Listing the backends shows the problems; using one must not hide them.
        unlogged.forEach(LoggerFactory.getLogger(Backends.class)::warn);
        if (manager != null) {
            return manager;
        }
        if (known.isEmpty()) {
            throw new IllegalArgumentException("Unknown backend '" + name + "': no backends are installed; "
                    + "add persist-local (or another backend jar) to the class path");
        }
        String message = "Unknown backend '" + name + "'; known backends: " + String.join(", ", known) + ".";
        String nearest = nearest(name, known);
        throw new IllegalArgumentException(nearest == null ? message : message + " Did you mean '" + nearest + "'?");
    }

    /** @return every backend, by name, all constructed */
    public Map<String, JobManager> all() {
        synchronized (lock) {
            resolveAll();
            return Collections.unmodifiableMap(new TreeMap<>(resolved));
        }
    }

    /** @return every backend with its version and location, by name */
    public List<BackendInfo> infos() {
        List<BackendInfo> infos = new ArrayList<>();
        all().forEach((id, manager) -> infos.add(new BackendInfo(id, version(manager),
                BackendDiscovery.location(manager.getClass()))));
        return List.copyOf(infos);
    }

    private static String version(JobManager manager) {
        try {
            return Objects.requireNonNullElse(manager.version(), "unknown");
        } catch (RuntimeException e) {
            return "unknown (version() threw " + e + ")";
        }
    }

    /**
     * @return problems met while discovering and constructing backends (all of them, constructed
     *     for this), one message each; empty if none
     */
    public List<String> problems() {
        synchronized (lock) {
            resolveAll();
            return List.copyOf(problems);
        }
    }

    /**
     * @param name a name someone typed
     * @param candidates the names that exist
     * @return the closest candidate by edit distance, if it is close enough to be a typo; else null
     */
    public static String nearest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
