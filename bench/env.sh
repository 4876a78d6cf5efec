# Settings of Writ's load harness. Source it: `. ./env.sh`. Everything lives under /tmp.
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# Not JAVA: Keycloak's kc.sh runs $JAVA when it is set, and compare.sh runs both from one environment.
BENCH_JAVA="$JAVA_HOME/bin/java --sun-misc-unsafe-memory-access=allow"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAR=${JAR:-$ROOT/target/writ.jar}            # another build to compare: JAR=... WORK=...
export WORK=${WORK:-/tmp/writ-bench}
export SITE=$WORK/site
export AOT_DIR=$WORK/aot                      # the extracted jar and its AOT cache (bench/writ-aot.sh)
export OUT_DIR=${OUT_DIR:-$WORK/results}
export BENCH_PORT=${BENCH_PORT:-8090}               # Keycloak's harness takes 8080
export BENCH_URL=http://127.0.0.1:$BENCH_PORT
export BENCH_ISSUER=http://localhost:8080          # an identifier, not where Writ listens
export SUBJECT=spiffe://demo.writ.local/ns/bench/sa/client
export MAX_RPS=${MAX_RPS:-12000}                  # fresh tokens minted per second of run time
# JVM options for Writ under load (docs/operations.md): a small heap is enough, and glibc gets two malloc arenas
# (BENCH_MALLOC_ARENA_MAX, applied to Writ's JVM only), not one per core per thread.
BENCH_JVM_OPTS=${BENCH_JVM_OPTS:--Xms32m -Xmx128m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m}
BENCH_MALLOC_ARENA_MAX=${BENCH_MALLOC_ARENA_MAX:-2}
mkdir -p "$WORK" "$OUT_DIR"
