/**
 * The {@code slurm} backend: runs Persist jobs as Slurm batch jobs. See
 * {@link dev.persist.slurm.SlurmJobManager} for the options it understands.
 */
package dev.persist.slurm;
