#!/bin/sh
# Persist's Slurm batch script, the same for every job. Its arguments are the job's wrapper
# command line (run.sh and what it runs), executed as given: nothing here is evaluated. exec keeps
# the wrapper the batch step's main process, so that Slurm's warning before the time limit
# (sbatch --signal=B:USR1@N) reaches the wrapper's trap.
exec "$@"
