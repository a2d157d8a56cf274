package dev.persist.core;

import dev.persist.spi.JobManager;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The backends Persist found, by name. */
public final class Backends {

    private final Map<String, JobManager> byId;
    private final List<String> problems;

    /**
     * @param managers every constructed backend
     * @param discovery what discovery found, including providers that could not be loaded
     */
    @Inject
    public Backends(Set<JobManager> managers, BackendDiscovery discovery) {
        List<JobManager> ordered = new ArrayList<>(managers);
        ordered.sort(Comparator.comparingInt(m -> discovery.types().indexOf(m.getClass())));
        Map<String, JobManager> ids = new TreeMap<>();
        List<String> found = new ArrayList<>(discovery.problems());
        for (JobManager manager : ordered) {
            JobManager first = ids.putIfAbsent(manager.id(), manager);
            if (first != null) {
                found.add("Two backends are named '" + manager.id() + "': " + describe(first) + " and "
                        + describe(manager) + "; using the first. Remove one of the jars.");
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        this.problems = List.copyOf(found);
    }

    private static String describe(JobManager manager) {
        return manager.getClass().getName() + " (" + BackendDiscovery.location(manager.getClass()) + ")";
    }

    /**
     * @param name a backend's name
     * @return the backend
     * @throws IllegalArgumentException naming the known backends and the nearest one
     */
    public JobManager get(String name) {
        JobManager manager = byId.get(name);
        if (manager != null) {
            return manager;
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("Unknown backend '" + name + "': no backends are installed; "
                    + "add persist-local (or another backend jar) to the class path");
        }
        String message = "Unknown backend '" + name + "'; known backends: " + String.join(", ", byId.keySet()) + ".";
        String nearest = nearest(name, byId.keySet());
        throw new IllegalArgumentException(nearest == null ? message : message + " Did you mean '" + nearest + "'?");
    }

    /** @return every backend, by name */
    public Map<String, JobManager> all() {
        return byId;
    }

    /** @return problems met while discovering backends, one message each; empty if none */
    public List<String> problems() {
        return problems;
    }

    /** The closest name by edit distance, if it is close enough to be a typo. */
    static String nearest(String name, Collection<String> candidates) {
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
