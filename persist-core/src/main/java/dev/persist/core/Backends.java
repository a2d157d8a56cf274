package dev.persist.core;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.persist.BackendInfo;
import dev.persist.JobOptions;
import dev.persist.spi.JobManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The backends of one Persist home, by name. Nothing is discovered or constructed until a backend
 * is first needed, so that reading a finished job's status costs no backend at all. Each backend is
 * constructed on its own: one whose constructor throws is reported and skipped, the others work.
 */
public final class Backends {

    private final Supplier<BackendDiscovery> discovery;
    private final Function<Class<? extends JobManager>, JobManager> factory;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile Found found;

    /** The constructed backends and the problems met on the way. */
    private record Found(Map<String, JobManager> byId, List<String> problems) {
    }

    /**
     * @param discovery finds the backend classes; called once, on first use
     * @param factory constructs a backend class (core's injector); may throw
     */
    public Backends(Supplier<BackendDiscovery> discovery, Function<Class<? extends JobManager>, JobManager> factory) {
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.factory = Objects.requireNonNull(factory, "factory is null");
    }

    private Found found() {
        Found f = found;
        if (f == null) {
            synchronized (this) {
                f = found;
                if (f == null) {
                    f = construct(discovery.get());
                    found = f;
                }
            }
        }
        return f;
    }

    private Found construct(BackendDiscovery discovered) {
        Map<String, JobManager> ids = new TreeMap<>();
        List<String> problems = new ArrayList<>(discovered.problems());
        for (Class<? extends JobManager> type : discovered.types()) {
            JobManager manager;
            String id;
            try {
                manager = factory.apply(type);
                id = manager.id();
                JobOptions.backend(id); // the name users must be able to type
            } catch (RuntimeException | LinkageError e) {
                problems.add("Backend " + describe(type) + " could not be created, so it is skipped: " + cause(e));
                continue;
            }
            JobManager first = ids.putIfAbsent(id, manager);
            if (first != null) {
                problems.add("Two backends are named '" + id + "': " + describe(first.getClass()) + " and "
                        + describe(type) + "; using the first. Remove one of the jars.");
            }
        }
        return new Found(Collections.unmodifiableMap(ids), List.copyOf(problems));
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
     * @param name a backend's name
     * @return the backend
     * @throws IllegalArgumentException naming the known backends and the nearest one
     */
    public JobManager get(String name) {
        Found f = found();
        if (!f.problems().isEmpty() && warned.compareAndSet(false, true)) {
            // Listing the backends shows the problems; using one must not hide them.
            f.problems().forEach(LoggerFactory.getLogger(Backends.class)::warn);
        }
        JobManager manager = f.byId().get(name);
        if (manager != null) {
            return manager;
        }
        if (f.byId().isEmpty()) {
            throw new IllegalArgumentException("Unknown backend '" + name + "': no backends are installed; "
                    + "add persist-local (or another backend jar) to the class path");
        }
        String message = "Unknown backend '" + name + "'; known backends: " + String.join(", ", f.byId().keySet()) + ".";
        String nearest = nearest(name, f.byId().keySet());
        throw new IllegalArgumentException(nearest == null ? message : message + " Did you mean '" + nearest + "'?");
    }

    /** @return every backend, by name */
    public Map<String, JobManager> all() {
        return found().byId();
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

    /** @return problems met while discovering and constructing backends, one message each; empty if none */
    public List<String> problems() {
        return found().problems();
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
