/**
 * The backend service provider interface: implement {@link dev.persist.spi.JobManager} and list
 * the class in {@code META-INF/services/dev.persist.spi.JobManager}. Persist's core does the rest
 * (serialization, job directories, markers, status rules, waiting).
 */
package dev.persist.spi;
