#!/bin/sh
# Starts, stops or checks a private single-node Slurm cluster for Persist's integration tests.
#
# Usage: slurm-test-cluster.sh start|stop|status STATE_DIR
#
# Everything lives in STATE_DIR: slurm.conf, a munge key and socket of its own, the controller's
# state, spool and logs. Clients find the cluster with SLURM_CONF=STATE_DIR/slurm.conf. It runs
# as root (munged as user munge) and never touches /etc/slurm or the system's munged.
#
# Environment (optional): PERSIST_SLURM_CTLD_PORT (default 16817), PERSIST_SLURM_SLURMD_PORT
# (16818), PERSIST_SLURM_CPUS (CPUs the node claims, default 16: more jobs at once than the
# machine has cores; testing only), PERSIST_SLURM_MIN_JOB_AGE (seconds a finished job stays in
# slurmctld's memory, default 2, so that tests can see jobs purged).
#
# start is idempotent (a running cluster is left as it is); stop cancels every job first,
# because `scontrol shutdown` leaves running jobs alive. Exit status: 0 on success; for status,
# 0 if the cluster answers and 1 if not; 2 for usage errors.
set -eu

usage() {
    echo "usage: $0 start|stop|status STATE_DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
action=$1
case $2 in
    /*) state=$2 ;;
    *) state=$(pwd)/$2 ;;
esac
case $action in start | stop | status) ;; *) usage ;; esac

ctld_port=${PERSIST_SLURM_CTLD_PORT:-16817}
slurmd_port=${PERSIST_SLURM_SLURMD_PORT:-16818}
cpus=${PERSIST_SLURM_CPUS:-16}
min_job_age=${PERSIST_SLURM_MIN_JOB_AGE:-2}
host=$(hostname -s)
conf=$state/slurm.conf
socket=$state/munge-socket/munge.socket
SLURM_CONF=$conf
export SLURM_CONF

say() {
    echo "slurm-test-cluster: $*" >&2
}

die() {
    say "$*"
    exit 1
}

# The node's state as sinfo reports it (idle, mix, alloc, ...), or nothing if slurmctld does not answer.
node_state() {
    [ -f "$conf" ] || return 0
    sinfo -h -n "$host" -o %t 2>/dev/null || true
}

# Waits up to $2 seconds (in tenths) for command $1 to succeed.
wait_until() {
    tries=$(($2 * 10))
    while [ "$tries" -gt 0 ]; do
        if eval "$1"; then
            return 0
        fi
        sleep 0.1
        tries=$((tries - 1))
    done
    return 1
}

pid_alive() {
    pid=$(cat "$1" 2>/dev/null) && kill -0 "$pid" 2>/dev/null
}

# Sends TERM to the daemon in pid file $1 and waits for it to exit.
stop_daemon() {
    if pid_alive "$1"; then
        kill -TERM "$pid" 2>/dev/null || true
        wait_until "! pid_alive '$1'" 30 || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$1"
}

write_conf() {
    memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    [ -n "$memory" ] || die "slurmd -C printed no RealMemory"
    cat > "$conf.tmp" <<CONF
# Written by slurm-test-cluster.sh: a private single-node cluster for tests.
ClusterName=persisttest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
ReturnToService=2
MinJobAge=$min_job_age
EnforcePartLimits=ALL
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=$host MaxTime=5 State=UP
PartitionName=tiny Nodes=$host MaxTime=1 State=UP
CONF
    mv -f "$conf.tmp" "$conf"
}

start_munge() {
    if pid_alive "$state/munge/munged.pid"; then
        return 0
    fi
    mkdir -p "$state/munge" "$state/munge-socket"
    chown munge:munge "$state/munge" "$state/munge-socket"
    chmod 0700 "$state/munge"
    chmod 0755 "$state/munge-socket"
    if [ ! -f "$state/munge/munge.key" ]; then
        runuser -u munge -- mungekey -c -k "$state/munge/munge.key"
    fi
    runuser -u munge -- munged -S "$socket" --key-file="$state/munge/munge.key" \
        --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" \
        --seed-file="$state/munge/munged.seed"
    wait_until "[ -S '$socket' ]" 10 || die "munged did not create $socket; see $state/munge/munged.log"
}

start() {
    if [ -n "$(node_state)" ]; then
        say "already running: SLURM_CONF=$conf"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || die "must run as root (it starts munged, slurmctld and slurmd)"
    for program in munged mungekey slurmctld slurmd sinfo scontrol squeue scancel runuser; do
        command -v "$program" >/dev/null 2>&1 || die "$program is missing: apt-get install -y slurm-wlm munge"
    done
    mkdir -p "$state"
    chmod 0755 "$state"
    mkdir -p "$state/ctld" "$state/spool" "$state/run" "$state/log"
    write_conf
    start_munge
    pid_alive "$state/run/slurmctld.pid" || slurmctld -f "$conf"
    pid_alive "$state/run/slurmd.pid" || slurmd -f "$conf"
    if ! wait_until '[ "$(node_state)" = idle ]' 30; then
        die "the node did not become idle within 30 s (state: '$(node_state)'); see $state/log"
    fi
    say "running: SLURM_CONF=$conf"
}

stop() {
    if [ -n "$(node_state)" ]; then
        jobs=$(squeue -h -t all -o %A 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086 # one argument per job id
            scancel $jobs 2>/dev/null || true
            active='[ -z "$(squeue -h -t PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING -o %A 2>/dev/null)" ]'
            wait_until "$active" 90 || say "some jobs are still active after 90 s"
        fi
        scontrol shutdown >/dev/null 2>&1 || true
    fi
    wait_until "! pid_alive '$state/run/slurmctld.pid' && ! pid_alive '$state/run/slurmd.pid'" 30 || true
    stop_daemon "$state/run/slurmctld.pid"
    stop_daemon "$state/run/slurmd.pid"
    stop_daemon "$state/munge/munged.pid"
    say "stopped"
}

case $action in
    start) start ;;
    stop) stop ;;
    status)
        s=$(node_state)
        if [ -n "$s" ]; then
            echo "running ($s): SLURM_CONF=$conf"
        else
            echo "not running"
            exit 1
        fi
        ;;
esac
