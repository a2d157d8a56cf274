#!/bin/sh
# Runs the README's first example on the local backend, building Persist first if needed.
# Usage: ./demo.sh [SECONDS]     (jobs go to $PERSIST_HOME, default ~/.persist)
set -eu
cd "$(dirname "$0")"
classpath=persist-local/target/demo.classpath
if [ ! -f "$classpath" ] || [ -n "$(find persist-*/src pom.xml persist-*/pom.xml -newer "$classpath" -print -quit)" ]; then
    echo "building Persist (once; log in target/demo-build.log)..." >&2
    mkdir -p target
    if ! { mvn -B -DskipTests install &&
           mvn -B -pl persist-local test-compile dependency:build-classpath \
               -Dmdep.includeScope=test -Dmdep.outputFile=target/demo.classpath.tmp; } >target/demo-build.log 2>&1; then
        tail -40 target/demo-build.log >&2
        echo "demo.sh: the build failed; the whole log is in target/demo-build.log" >&2
        exit 1
    fi
    mv persist-local/target/demo.classpath.tmp "$classpath"
fi
exec java -cp "persist-local/target/test-classes:persist-local/target/classes:$(cat "$classpath")" dev.persist.local.Demo "$@"
