#!/usr/bin/env bash
# Runs Writ's JMH benchmarks (they compile with the tests; the test command never runs them).
#   bench/jmh.sh                 # all benchmarks
#   bench/jmh.sh PolicyBenchmark # those whose name matches
#   MODULE=clients/writ-client bench/jmh.sh ClientBenchmark   # a client module's (it runs target/writ.jar)
# Results go to the module's target/jmh-result.json; summarise them in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
MODULE=${MODULE:-.}
if [ "$MODULE" = . ]; then
  ./mvnw -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test
else
  ./mvnw -B -q -f clients/pom.xml -pl "${MODULE#clients/}" -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
fi
cd "$MODULE"
exec "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -Dwrit.jar="$OLDPWD/target/writ.jar" \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.openjdk.jmh.Main -rf json -rff target/jmh-result.json "${@:-.*Benchmark.*}"
