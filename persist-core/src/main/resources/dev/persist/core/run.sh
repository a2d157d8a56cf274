#!/bin/sh
# Persist job wrapper, copied by persist-core into every job directory.
#
# Usage: run.sh JOB_DIR TIME_LIMIT_SECONDS GRACE_SECONDS COMMAND [ARG...]
#
# Runs COMMAND as a child and records in JOB_DIR that it started ("started") and, once the child
# has exited and its output is complete, its exit status ("exit", written atomically). A job
# without "exit" whose processes are gone was killed without a trace. TIME_LIMIT_SECONDS > 0
# starts a watchdog that records "time-limit", sends TERM, and KILL after GRACE_SECONDS.
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
: > "$dir/started"
PERSIST_JOB_DIR=$dir
export PERSIST_JOB_DIR

child=
# TERM comes from a cancel, a time limit or the scheduler: record it and pass it on.
trap ': > "$dir/terminated"; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM

# fd 9 holds the local queue's slot lock; the job's processes must not inherit it.
"$@" 9>&- &
child=$!

watchdog=
if [ "$limit" -gt 0 ]; then
    (
        trap 'kill -KILL "$s" 2>/dev/null; exit 0' USR1
        sleep "$limit" 9>&- & s=$!
        wait "$s"
        : > "$dir/time-limit"
        trap '' TERM
        kill -TERM "$child" 2>/dev/null
        kill -TERM -- -$$ 2>/dev/null
        sleep "$grace" 9>&- & s=$!
        wait "$s"
        kill -KILL "$child" 2>/dev/null
        kill -KILL -- -$$ 2>/dev/null
    ) 9>&- &
    watchdog=$!
fi

while :; do
    wait "$child"
    rc=$?
    # A trapped signal ends wait early with a status above 128 while the child still runs.
    if [ "$rc" -gt 128 ] && kill -0 "$child" 2>/dev/null; then
        continue
    fi
    break
done

if [ -n "$watchdog" ]; then
    kill -USR1 "$watchdog" 2>/dev/null
fi
printf '%s\n' "$rc" > "$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
exit "$rc"
