/**
 * Persistent jobs for Java: hand {@link dev.persist.Persist#persist Persist.persist} a
 * serializable lambda and a backend name; the job runs detached and can be opened by name from
 * any JVM later.
 *
 * <pre>{@code
 * Job<Integer> job = Persist.persist("answer", "local", () -> 6 * 7);
 * Persist.open("answer").await();   // from any JVM
 * }</pre>
 */
package dev.persist;
