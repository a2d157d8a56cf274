#!/bin/sh
# How long `persist status NAME` takes, next to a bare `java -version`: the median of RUNS runs of
# each, interleaved so that the machine's load affects all alike. Also `status` of a running job
# (whose wrapper is seen running, so no backend is asked) and `status` without the class data
# archive (the distribution copied elsewhere, where lib/persist.jsa does not apply), and the CLI's
# JVM alone (bin/persist's java options and archive, printing its version instead of running).
# Usage (after mvn package): persist-cli/bench/startup.sh [RUNS]     (default 10)
set -eu
runs=${1:-10}
dist=$(cd -P "$(dirname "$0")/../target/persist" && pwd -P)
work=$(mktemp -d)
home=$work/home
trap '"$dist/bin/persist" --home "$home" cancel running >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cp -R "$dist" "$work/copy"
rm "$work/copy/lib/persist.jsa"

"$dist/bin/persist" --home "$home" submit --name finished -- true >/dev/null
"$dist/bin/persist" --home "$home" wait finished >/dev/null
"$dist/bin/persist" --home "$home" submit --name running -- sleep 3600 >/dev/null

# The CLI's JVM alone: the java options and class data archive bin/persist passes, with -version
# instead of the command. A stand-in java (JAVA_HOME) records the arguments the launcher gives.
mkdir -p "$work/recorder/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"$(dirname "$0")/../args"\n' >"$work/recorder/bin/java"
chmod +x "$work/recorder/bin/java"
JAVA_HOME=$work/recorder "$dist/bin/persist" --home "$home" status finished
cli_jvm() {
    set --
    while IFS= read -r arg && [ "$arg" != dev.persist.cli.Main ]; do
        set -- "$@" "$arg"
    done <"$work/recorder/args"
    java "$@" -version
}

# Milliseconds one run of a command takes (its output discarded; it must succeed).
ms() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

i=0
while [ "$i" -lt "$runs" ]; do
    echo "java-version $(ms java -version)"
    echo "status-finished $(ms "$dist/bin/persist" --home "$home" status finished)"
    echo "status-running $(ms "$dist/bin/persist" --home "$home" status running)"
    echo "status-finished-without-archive $(ms "$work/copy/bin/persist" --home "$home" status finished)"
    echo "cli-jvm-version $(ms cli_jvm)"
    i=$((i + 1))
done >"$work/times"

echo "median of $runs runs, in milliseconds (java: $(java -version 2>&1 | head -n 1)):"
for what in java-version status-finished status-running status-finished-without-archive cli-jvm-version; do
    grep "^$what " "$work/times" | cut -d' ' -f2 | sort -n |
        awk -v what="$what" '{ t[NR] = $1 } END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "  %-32s %6.1f   (min %d, max %d)\n", what, m, t[1], t[NR] }'
done
