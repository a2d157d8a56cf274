/**
 * The {@code local} backend: jobs as detached process sessions on this machine, under a local
 * queue without a daemon. See {@link dev.persist.local.LocalJobManager}.
 */
package dev.persist.local;
