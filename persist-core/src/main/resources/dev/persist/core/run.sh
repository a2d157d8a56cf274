#!/bin/sh
# Persist job wrapper, copied by persist-core into every job directory.
#
# Usage: run.sh JOB_DIR TIME_LIMIT_SECONDS GRACE_SECONDS COMMAND [ARG...]
#
# Runs COMMAND as a child and records in JOB_DIR that it started ("started", naming this process)
# and, once the child has exited and its output is complete, its exit status ("exit", written
# atomically). A job without "exit" whose processes are gone was killed without a trace.
# TIME_LIMIT_SECONDS > 0 starts a watchdog that records "time-limit", sends TERM, and KILL after
# GRACE_SECONDS. USR1 does the same at once: a batch scheduler's warning that its own time limit
# is near (Slurm's --signal=B:USR1@N).
# Arguments are only ever passed on as "$@": nothing here is evaluated.
set -u
dir=$1 limit=$2 grace=$3
shift 3
case "$limit:$grace" in
    *[!0-9:]* | :* | *:) echo "persist: run.sh: invalid time limit '$limit' or grace '$grace'" >&2; exit 2 ;;
esac

if [ -e "$dir/cancel-requested" ]; then
    # cancelled while it was being submitted or queued
    printf '143\n' > "$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
    exit 143
fi
# Sets $field to field $2 (3 or more, numbered as in proc(5)) of /proc/$1/stat; fails where /proc
# cannot be read. Fields are counted after the command name, which may hold spaces and ')'.
proc_field() {
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    n=$2
    set -- ${stat##*) }
    [ $# -ge $((n - 2)) ] || return 1
    shift $((n - 3))
    field=$1
}

# "started" names this wrapper: its pid, its start time (field 22 of /proc/PID/stat, in clock ticks
# since boot) and the boot id. While that process lives, Persist knows the job runs without asking
# the backend. Empty where /proc cannot be read.
if proc_field $$ 22 && read -r boot </proc/sys/kernel/random/boot_id 2>/dev/null; then
    printf '%s %s %s\n' "$$" "$field" "$boot" > "$dir/started"
else
    : > "$dir/started"
fi
PERSIST_JOB_DIR=$dir
export PERSIST_JOB_DIR

child=
# TERM comes from a cancel, a time limit or the scheduler: record it and pass it on.
trap ': > "$dir/terminated"; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM

# Whether the job still runs: its exit status is not recorded and this watchdog's parent is still
# the wrapper ($$ in a subshell). Once the wrapper has reaped the job, its pid may belong to another
# process: a watchdog must never signal that pid.
job_running() {
    [ -d "$dir" ] && [ ! -e "$dir/exit" ] || return 1
    proc_field self 4 || return 0 # no /proc: trust the USR1 below
    [ "$field" = "$$" ]
}

# Stops the job for its time limit after $1 seconds (0: at once): records "time-limit", sends
# TERM, and KILL after the grace period. Runs in the background, and sleeps in the foreground, a
# few seconds at a time, so that it has no pid of its own to signal and ends within seconds of
# the job even if it never receives the USR1 that ends it at once.
stop_at_time_limit() {
    left=$1
    while [ "$left" -gt 0 ]; do
        n=$((left < 10 ? left : 10))
        sleep "$n" 9>&-
        left=$((left - n))
        job_running || exit 0
    done
    job_running || exit 0
    : > "$dir/time-limit"
    trap '' TERM
    kill -TERM "$child" 2>/dev/null
    kill -TERM -- -$$ 2>/dev/null
    sleep "$grace" 9>&-
    job_running || exit 0
    kill -KILL "$child" 2>/dev/null
    kill -KILL -- -$$ 2>/dev/null
}

stoppers=

# fd 9 holds the local queue's slot lock; the job's processes must not inherit it.
"$@" 9>&- &
child=$!

if [ "$limit" -gt 0 ]; then
    stop_at_time_limit "$limit" 9>&- &
    stoppers="$stoppers $!"
fi
# Only now, so that the watchdog starts without this trap: USR1, which tells it the job ended,
# then simply ends it (a subshell that receives a trapped signal before it has reset the traps it
# inherited loses that signal).
trap 'stop_at_time_limit 0 9>&- & stoppers="$stoppers $!"' USR1

while :; do
    wait "$child"
    rc=$?
    # A trapped signal ends wait early with a status above 128 while the child still runs.
    if [ "$rc" -gt 128 ] && kill -0 "$child" 2>/dev/null; then
        continue
    fi
    break
done

for s in $stoppers; do
    kill -USR1 "$s" 2>/dev/null
done
printf '%s\n' "$rc" > "$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
exit "$rc"
