package dev.persist.core;

/** What a job runs. */
public enum JobKind {
    /** A serialized {@link dev.persist.PersistentTask}, run by {@link Runner} in a new JVM. */
    JAVA,
    /** A command line, run directly by the wrapper; its exit code is the result. */
    COMMAND
}
