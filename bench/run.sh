#!/bin/sh
# Persist's benchmarks in one run: builds what they need, measures every figure of issue 6 next to a
# baseline measured in the same run (interleaved where that makes sense), and prints one Markdown
# table: figure | measured | baseline | ratio | target | met?. Progress and notes go to stderr.
#
# Usage: bench/run.sh [--quick] [--no-build]
#   --quick     smaller counts (a few minutes), for trying it out; the README's table is a full run
#   --no-build  use the build that is there (mvn -B -q -DskipTests package at the repository root)
#
# Figures 1-5 and 9: dev.persist.bench.Harness (persist-bench); 6: JMH (SerializationBenchmark);
# 7: persist-cli/bench/startup.sh; 8: here, against task-spooler (`tsp`, Debian's task-spooler);
# 9 only when Slurm's commands are installed and a cluster answers (SLURM_CONF, else the private
# test cluster in /tmp/persist-slurm-test, which this script starts as root and stops again).
set -eu
root=$(cd -P "$(dirname "$0")/.." && pwd -P)
quick=
build=yes
for arg; do
    case $arg in
        --quick) quick=--quick ;;
        --no-build) build= ;;
        *) echo "bench/run.sh: unknown option '$arg'; known: --quick, --no-build" >&2; exit 2 ;;
    esac
done
cd "$root"
say() { echo "bench: $*" >&2; }

if [ -n "$build" ]; then
    mkdir -p target
    say "building (mvn -B -q -DskipTests package; log in target/bench-build.log)"
    mvn -B -q -DskipTests package >target/bench-build.log 2>&1 || { echo "bench/run.sh: the build failed; see target/bench-build.log" >&2; exit 1; }
fi
dist=$root/persist-cli/target/persist
cp="$root/persist-bench/target/classes:$root/persist-bench/target/lib/*"
for f in "$dist/bin/persist" "$root/persist-bench/target/lib"; do
    [ -e "$f" ] || { echo "bench/run.sh: $f is missing; run without --no-build" >&2; exit 1; }
done

work=$(mktemp -d)
stop_cluster=
cleanup() {
    [ -z "$stop_cluster" ] || "$root/persist-slurm/src/test/cluster/slurm-test-cluster.sh" stop "$stop_cluster" >/dev/null 2>&1 || true
    TS_SOCKET=$work/tsp.socket tsp -K >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
rows=$work/rows
bench_java() { java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

# Milliseconds one run of a command takes (its output discarded; it must succeed).
ms() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}
# The median of the numbers on standard input (the lower middle one of an even count).
median() { sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'; }
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
at_most() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { print (a <= f * b) ? "yes" : "NO" }'; }

say "figures 1-5 (dev.persist.bench.Harness $quick)"
bench_java dev.persist.bench.Harness $quick >>"$rows"

say "figure 6 (JMH SerializationBenchmark)"
if [ -n "$quick" ]; then jmh_opts="-f 1 -wi 1 -w 1 -i 2 -r 1"; else jmh_opts=""; fi
# shellcheck disable=SC2086
bench_java org.openjdk.jmh.Main SerializationBenchmark $jmh_opts -rf csv -rff "$work/jmh.csv" >"$work/jmh.log" 2>&1 ||
    { cat "$work/jmh.log" >&2; exit 1; }
bench_java dev.persist.bench.SerializationBenchmark >"$work/sizes"
# JMH writes the CSV with CRLF line ends: fields 1, 5, 6 and 8 are the benchmark, its score, the
# score's error (99.9%) and the shape.
score() { tr -d '\r' <"$work/jmh.csv" | awk -F, -v b="\"dev.persist.bench.SerializationBenchmark.$1\"" -v s="$shape" '$1 == b && $8 == s { print $5 }'; }
error() { tr -d '\r' <"$work/jmh.csv" | awk -F, -v b="\"dev.persist.bench.SerializationBenchmark.$1\"" -v s="$shape" '$1 == b && $8 == s { printf "%.0f", $6 }'; }
for shape in none primitives list1000; do
    kryo=$(score kryo)
    jser=$(score javaSerialization)
    set -- $(grep "^$shape " "$work/sizes")
    row "6. task write + read, closure '$shape' (Kryo $2 B vs Java serialization $3 B), JMH average, us" \
        "$(printf '%.0f' "$kryo") ± $(error kryo)" "$(printf '%.0f' "$jser") ± $(error javaSerialization)" \
        "$(ratio "$kryo" "$jser")" report -
done

runs=10
[ -z "$quick" ] || runs=3
say "figure 7 (persist-cli/bench/startup.sh $runs)"
"$root/persist-cli/bench/startup.sh" "$runs" >"$work/startup"
startup() { awk -v what="$1" '$1 == what { print $2 }' "$work/startup"; }
jv=$(startup java-version)
for what in status-finished status-running status-finished-without-archive cli-jvm-version; do
    t=$(startup "$what")
    case $what in
        status-finished) label="7. persist status NAME (finished job), median of $runs vs java -version"; target="<= 1.3x"; met=$(at_most "$t" "$jv" 1.3) ;;
        status-running) label="7. persist status NAME (running job), median of $runs vs java -version"; target=report; met=- ;;
        status-finished-without-archive) label="7. persist status NAME (finished job) without lib/persist.jsa, median of $runs vs java -version"; target=report; met=- ;;
        *) label="7. the CLI's JVM alone: bin/persist's java options and archive, -version instead of the command, median of $runs vs java -version"; target=report; met=- ;;
    esac
    row "$label" "$t ms" "$jv ms" "$(ratio "$t" "$jv")" "$target" "$met"
done

say "figure 8 (persist submit -- true; persist wait, against tsp true; tsp -w)"
if command -v tsp >/dev/null 2>&1; then
    export TS_SOCKET="$work/tsp.socket"
    home=$work/cli-home
    tsp true >/dev/null && tsp -w >/dev/null # starts the tsp server, so that no round pays for it
    i=0
    while [ "$i" -lt "$runs" ]; do
        echo "persist $(ms sh -c "\"$dist/bin/persist\" --home \"$home\" submit --name true-$i -- true && \"$dist/bin/persist\" --home \"$home\" wait true-$i")"
        echo "tsp $(ms sh -c 'tsp true && tsp -w')"
        i=$((i + 1))
    done >"$work/cli"
    # The job is `true` itself, no JVM: the pid persist recorded is a process that ran `true`.
    p=$(grep '^persist ' "$work/cli" | cut -d' ' -f2 | median)
    t=$(grep '^tsp ' "$work/cli" | cut -d' ' -f2 | median)
    row "8. persist submit -- true, then persist wait (CLI), median of $runs vs tsp true, then tsp -w" \
        "$p ms" "$t ms" "$(ratio "$p" "$t")" report -
else
    row "8. persist submit -- true, then persist wait (CLI) vs tsp" "-" "-" "-" report "skipped: no tsp (apt-get install task-spooler)"
fi

say "figure 9 (Slurm)"
slurm_conf=${SLURM_CONF:-/tmp/persist-slurm-test/slurm.conf}
if ! command -v sbatch >/dev/null 2>&1; then
    row "9. Slurm: submit and one status pass" - - - report "skipped: Slurm is not installed"
else
    if ! SLURM_CONF=$slurm_conf squeue >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && [ -z "${SLURM_CONF:-}" ]; then
        say "starting the private test cluster in /tmp/persist-slurm-test"
        if "$root/persist-slurm/src/test/cluster/slurm-test-cluster.sh" start /tmp/persist-slurm-test >"$work/cluster.log" 2>&1; then
            stop_cluster=/tmp/persist-slurm-test
        fi
    fi
    if SLURM_CONF=$slurm_conf squeue >/dev/null 2>&1; then
        # Wrappers first on the PATH count each scheduler call, then run the real command.
        mkdir "$work/shim"
        for program in sbatch squeue sacct scancel scontrol; do
            real=$(command -v "$program" || true)
            [ -n "$real" ] || continue
            printf '#!/bin/sh\necho %s >>"$PERSIST_BENCH_CALLS"\nexec %s "$@"\n' "$program" "$real" >"$work/shim/$program"
            chmod +x "$work/shim/$program"
        done
        PATH=$work/shim:$PATH SLURM_CONF=$slurm_conf PERSIST_BENCH_CALLS=$work/calls \
            bench_java dev.persist.bench.Harness $quick --slurm --only 9 >>"$rows" ||
            row "9. Slurm: submit and one status pass" - - - report "FAILED: see the messages above"
    else
        row "9. Slurm: submit and one status pass" - - - report "skipped: no Slurm cluster answers (SLURM_CONF=$slurm_conf)"
    fi
fi

printf '\nPersist benchmarks (bench/run.sh%s), %s\n' "${quick:+ $quick}" "$started"
printf 'machine: nproc %s, %s, %s GiB RAM, %s, Linux %s\n' "$(nproc)" \
    "$(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //')" \
    "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
    "$(java -version 2>&1 | head -n 1)" "$(uname -r)"
printf 'load average (1, 5, 15 min): %s at the start, %s at the end\n\n' "$load_before" "$(load)"
echo "| figure | measured | baseline | ratio | target | met? |"
echo "|---|---|---|---|---|---|"
awk -F '\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$rows"
