#!/bin/sh
# Opens JShell with Persist and its local backend on the class path and `import dev.persist.*;`
# done (persist-core's startup script persist.jsh), building Persist first if needed.
# Jobs go to $PERSIST_HOME (default ~/.persist) and run in the current directory.
# Usage: ./jshell.sh [--class-path YOUR_JARS] [JSHELL OPTION...]   (YOUR_JARS are added to Persist's)
set -eu
root=$(cd "$(dirname "$0")" && pwd)
classpath=$root/target/jshell.classpath
if [ ! -f "$classpath" ] || [ -n "$(find "$root"/persist-*/src "$root"/pom.xml "$root"/persist-*/pom.xml -newer "$classpath" -print -quit)" ]; then
    echo "building Persist (once; log in target/jshell-build.log)..." >&2
    mkdir -p "$root/target"
    if ! mvn -B -f "$root/pom.xml" -DskipTests -pl persist-local -am package dependency:build-classpath \
            -DincludeScope=runtime -Dmdep.outputFile=target/runtime.classpath >"$root/target/jshell-build.log" 2>&1; then
        tail -40 "$root/target/jshell-build.log" >&2
        echo "jshell.sh: the build failed; the whole log is in target/jshell-build.log" >&2
        exit 1
    fi
    jars=$(ls "$root"/persist-core/target/persist-core-*.jar "$root"/persist-local/target/persist-local-*.jar | paste -sd:)
    printf '%s:%s\n' "$jars" "$(cat "$root/persist-core/target/runtime.classpath")" >"$classpath.tmp"
    mv "$classpath.tmp" "$classpath"
fi
extra=
if [ "${1:-}" = --class-path ] && [ $# -ge 2 ]; then
    extra=:$2
    shift 2
fi
exec jshell --class-path "$(cat "$classpath")$extra" --startup DEFAULT \
    --startup "$root/persist-core/src/main/resources/dev/persist/core/persist.jsh" "$@"
