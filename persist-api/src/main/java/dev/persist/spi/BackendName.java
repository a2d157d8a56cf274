package dev.persist.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the name a backend's {@link JobManager#id()} returns, so that Persist can construct it
 * only when a job or call needs a backend of that name. A backend without it is constructed
 * whenever any backend is first needed, only to learn its name.
 *
 * <pre>{@code
 * @BackendName("kubernetes")
 * public final class KubernetesJobManager implements JobManager {
 *     public String id() {
 *         return "kubernetes";
 *     }
 *     ...
 * }
 * }</pre>
 *
 * A backend whose {@code id()} differs from the name declared here is reported and skipped.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BackendName {

    /** @return the backend's name, exactly as {@link JobManager#id()} returns it */
    String value();
}
