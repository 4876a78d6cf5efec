#!/usr/bin/env bash
# Builds a JDK 25 AOT cache (JEP 483/514/515) for target/writ.jar: extracts the jar (the cache needs a plain class
# path), runs Writ on the bench site under load as the training run, and writes $AOT_DIR/writ.aot at its exit.
# Then `BENCH_AOT=1 bench/writ-start.sh` starts from the cache. The cache is tied to this JDK build and this jar:
# rebuild it after either changes (a stale cache is refused by the JVM with a warning, and Writ starts without it).
set -euo pipefail
cd "$(dirname "$0")"; . ./env.sh
[ -f "$JAR" ] || (cd .. && ./mvnw -B -q -DskipTests package)
rm -rf "$AOT_DIR"
$BENCH_JAVA -Djarmode=tools -jar "$JAR" extract --destination "$AOT_DIR" >/dev/null
BENCH_AOT=train ./writ-start.sh
# The training workload: exchanges, fresh and repeated, the keys and metadata endpoints, refusals.
./writ-run.sh fresh 4 10 aot-training >/dev/null
./writ-run.sh reuse 4 5 aot-training >/dev/null
for i in $(seq 1 50); do
  curl -s -o /dev/null "$BENCH_URL/oauth2/jwks"
  curl -s -o /dev/null "$BENCH_URL/.well-known/oauth-authorization-server"
  curl -s -o /dev/null -d "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=x" "$BENCH_URL/oauth2/token"
  curl -s -o /dev/null "$BENCH_URL/actuator/health"
done
PID=$(cat "$WORK/writ.pid")
./writ-stop.sh
while kill -0 "$PID" 2>/dev/null; do sleep 0.5; done    # the JVM writes the cache as it exits
grep -E 'AOTCache creation is complete' "$WORK/writ.log" || { echo "no AOT cache written; see $WORK/writ.log"; exit 1; }
