package dev.persist;

import java.util.Objects;

/**
 * A backend that jobs can run on, as {@link Jobs#backends()} and {@code persist backends} list it.
 *
 * @param name the name jobs use to choose it ({@code local}, {@code slurm}, a plugin's own name)
 * @param version its version, from its jar's manifest, or {@code unknown}
 * @param location the jar or directory its class was loaded from
 */
public record BackendInfo(String name, String version, String location) {

    /** Checks the components. */
    public BackendInfo {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(version, "version is null");
        Objects.requireNonNull(location, "location is null");
    }
}
