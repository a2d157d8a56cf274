#!/bin/sh
# Persist local queue gate, written by persist-local into <home>/local/queue/.
#
# Usage: queue.sh QUEUE_DIR TICKET SLOTS COMMAND [ARG...]
#
# Waits until every job queued before this one has started (first come, first served), then for
# a free slot among slot.0 .. slot.(SLOTS-1), then replaces itself with COMMAND, which keeps the
# slot's lock on fd 9 until it exits. Locks are flock(1) locks, so they die with their holder: a
# killed job never blocks the queue. TICKET sorts in submission order; the submitter created
# QUEUE_DIR/TICKET.wait before starting this script.
# Arguments are only ever passed on as "$@": nothing here is evaluated.
set -u
queue=$1 ticket=$2 slots=$3
shift 3
case "$slots" in
    '' | *[!0-9]* | 0) echo "persist: queue.sh: invalid slot count '$slots'" >&2; exit 2 ;;
esac

# The submitter created our ticket, empty, before starting us, so that jobs submitted after
# this one wait for it even if they start first. Lock it, then write into it: a ticket that is
# unlocked but not empty belongs to a job that died while queued.
me="$queue/$ticket.wait"
exec 8>>"$me"
flock 8
echo $$ >&8

# 1. Wait for the ticket just before ours: its lock is released when that job takes a slot (it
#    has removed the ticket) or dies while queued (the ticket stays: remove it). An empty ticket
#    is a job still starting; one empty for over a minute lost its submitter before it started.
#    Each job waits on one predecessor, so the queue costs a few processes per job, not one per
#    job ahead: the wait is one flock process, which takes a shared lock on the ticket (opened
#    by the shell) and lets go of it as it exits. The glob sorts tickets in submission order and
#    is expanded by the shell itself.
while :; do
    ahead=
    for f in "$queue"/*.wait; do
        [ "$f" = "$me" ] && break
        [ -e "$f" ] && ahead=$f
    done
    [ -z "$ahead" ] && break
    if [ -s "$ahead" ]; then
        flock -s 7 7<"$ahead" 2>/dev/null
        [ ! -e "$ahead" ] || rm -f "$ahead"
    elif [ -n "$(find "$ahead" -mmin +1 2>/dev/null)" ]; then
        rm -f "$ahead"
    else
        sleep 0.01
    fi
done

# 2. Take a free slot: one pass without waiting, then wait on each slot in turn for a share of
#    half a second, so a freed slot is taken within about half a second whatever their number.
#    Only the job at the head of the queue gets here while all slots are busy.
ms=$((500 / slots))
[ "$ms" -lt 20 ] && ms=20
case $ms in ??) share=0.0$ms ;; *) share=0.$ms ;; esac
n=0
while :; do
    exec 9>"$queue/slot.$((n % slots))"
    if [ "$n" -lt "$slots" ]; then
        flock -n 9 && break
    else
        flock -w "$share" 9 && break
    fi
    n=$((n + 1))
done

rm -f "$me"
exec 8>&-
exec "$@"
