/**
 * Persist's implementation: job directories and their markers, the job wrapper and the runner,
 * serialization with Kryo, backend discovery and wiring. Not an API: use {@code dev.persist}.
 */
package dev.persist.core;
