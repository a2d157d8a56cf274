#!/bin/sh
# Persist local queue gate, written by persist-local into <home>/local/.
#
# Usage: queue.sh QUEUE_DIR TICKET SLOTS COMMAND [ARG...]
#
# Waits until every job queued before this one has started (first come, first served), then for
# a free slot among slot.0 .. slot.(SLOTS-1), then replaces itself with COMMAND, which keeps the
# slot's lock on fd 9 until it exits. Locks are flock(1) locks, so they die with their holder: a
# killed job never blocks the queue. TICKET sorts in submission order.
# Arguments are only ever passed on as "$@": nothing here is evaluated.
set -u
queue=$1 ticket=$2 slots=$3
shift 3
case "$slots" in
    '' | *[!0-9]* | 0) echo "persist: queue.sh: invalid slot count '$slots'" >&2; exit 2 ;;
esac

# Publish a ticket that is already locked: create and lock it under a temporary name, then
# rename it, so that a waiting ticket is never seen unlocked.
me="$queue/$ticket.wait"
exec 8>"$me.new"
flock 8
mv -f "$me.new" "$me"

# 1. Wait while a ticket before ours is still waiting. An unlocked ticket belongs to a job that
#    died while queued: remove it.
while :; do
    ahead=
    for f in "$queue"/*.wait; do
        [ "$f" = "$me" ] && break
        [ -e "$f" ] || continue
        if flock -n "$f" true 2>/dev/null; then
            rm -f "$f"
        else
            ahead=$f
        fi
    done
    [ -z "$ahead" ] && break
    flock "$ahead" true 2>/dev/null    # until that job starts or dies
    rm -f "$ahead"
done

# 2. Take a free slot: one pass without waiting, then wait a quarter second on each in turn.
n=0
while :; do
    exec 9>"$queue/slot.$((n % slots))"
    if [ "$n" -lt "$slots" ]; then
        flock -n 9 && break
    else
        flock -w 0.25 9 && break
    fi
    n=$((n + 1))
done

rm -f "$me"
exec 8>&-
exec "$@"
