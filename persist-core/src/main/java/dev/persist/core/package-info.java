/**
 * Persist's implementation: job directories and their markers, the job wrapper and the runner,
 * serialization with Kryo, class path snapshots ({@code Snapshots}), tasks from
 * JShell ({@code JShellCapture}), backend discovery and wiring. Not an API: use
 * {@code dev.persist}.
 */
package dev.persist.core;
