package dev.persist;

import java.io.Serializable;

/**
 * A piece of work that Persist runs in another JVM: usually a lambda.
 *
 * <p>The task is serialized when it is persisted, together with everything it captures, and
 * deserialized by the job's runner. Captured values need not implement {@link Serializable}
 * themselves, but they must not hold JVM internals such as threads, streams or
 * {@code System.out}: such a task is rejected by {@link Persist#persist} with a message naming
 * the offending class.
 *
 * <pre>{@code
 * PersistentTask<Integer> task = () -> 6 * 7;
 * }</pre>
 *
 * @param <T> the type of the result
 */
@FunctionalInterface
public interface PersistentTask<T> extends Serializable {

    /**
     * Runs the work.
     *
     * @return the result, stored with the job and returned by {@link Job#fetch()}; may be null
     * @throws Exception any failure; the job becomes {@link JobStatus#FAILED} and
     *     {@link Job#fetch()} throws a {@link JobFailedException} carrying it
     */
    T call() throws Exception;
}
