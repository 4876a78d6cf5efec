#!/usr/bin/env bash
# Starts target/writ.jar on $BENCH_PORT with a bench site (the demo trust domain and one grant), and reports the
# time from launching the JVM to the first exchange it answers.
#   BENCH_AOT=1 bench/writ-start.sh    runs the extracted jar with the JDK 25 AOT cache bench/writ-aot.sh made
#   BENCH_AOT=extracted bench/writ-start.sh    runs the extracted jar (java -Djarmode=tools extract) without a cache
#   BENCH_REPLAY=one-time bench/writ-start.sh  makes the bench trust domain one-time: every exchange burns its token
#   BENCH_RATE_LIMIT="100000 per 1m" bench/writ-start.sh  rate-limits the bench trust domain per subject and source
#   BENCH_SPRING_AOT=1 bench/writ-start.sh  starts from Spring's build-time processing (-Dspring.aot.enabled=true);
#                                           with BENCH_AOT=1 the cache must have been trained the same way
set -euo pipefail
cd "$(dirname "$0")"; . ./env.sh
[ -f "$JAR" ] || (cd .. && ./mvnw -B -q -DskipTests package)
rm -rf "$SITE"; mkdir -p "$SITE/policies"
cat > "$SITE/policies/bench.yaml" <<YAML
spiffe:
  - trust_domain: demo.writ.local
    demo: true
    replay: ${BENCH_REPLAY:-reuse}
${BENCH_RATE_LIMIT:+    rate_limit: { subject: "$BENCH_RATE_LIMIT", source: "$BENCH_RATE_LIMIT" \}}
grants:
  - id: bench-inventory
    subject_pattern: spiffe://demo\.writ\.local/ns/bench/sa/[a-z-]+
    audience: https://inventory.bench.local
    scopes: [inventory:read, inventory:reserve]
    when: "'inventory:read' in request.scopes"
    ttl: 5m
YAML
# The demo trust domain's key and bundle, and one token for the start-up probe.
PROBE=$($BENCH_JAVA -jar "$JAR" dev svid "$SUBJECT" --audience "$BENCH_ISSUER" --keys "$SITE/keys" --policies "$SITE/policies" 2>/dev/null)
BODY="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&audience=https%3A%2F%2Finventory.bench.local&scope=inventory%3Aread&subject_token=$PROBE"
LAUNCH=(-jar "$JAR")
if [ "${BENCH_AOT:-0}" = "1" ]; then
  [ -f "$AOT_DIR/writ.aot" ] || { echo "no AOT cache: run bench/writ-aot.sh first"; exit 1; }
  LAUNCH=(-XX:AOTCache="$AOT_DIR/writ.aot" -jar "$AOT_DIR/writ.jar")
elif [ "${BENCH_AOT:-0}" = "extracted" ]; then
  [ -f "$AOT_DIR/writ.jar" ] || $BENCH_JAVA -Djarmode=tools -jar "$JAR" extract --destination "$AOT_DIR" >/dev/null
  LAUNCH=(-jar "$AOT_DIR/writ.jar")
elif [ "${BENCH_AOT:-0}" = "train" ]; then     # bench/writ-aot.sh: record a training run; the cache is written at exit
  LAUNCH=(-XX:AOTCacheOutput="$AOT_DIR/writ.aot" -jar "$AOT_DIR/writ.jar")
fi
[ "${BENCH_SPRING_AOT:-0}" = "1" ] && LAUNCH=(-Dspring.aot.enabled=true "${LAUNCH[@]}")
t0=$(date +%s%N)
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=$BENCH_MALLOC_ARENA_MAX $BENCH_JAVA $BENCH_JVM_OPTS "${LAUNCH[@]}" --server.port="$BENCH_PORT" --writ.issuer="$BENCH_ISSUER" \
  --writ.policies-dir="$SITE/policies" --writ.keys-dir="$SITE/keys" --writ.policies-reload-interval=0 \
  --logging.level.writ.audit=${AUDIT_LEVEL:-INFO} ${BENCH_WRIT_ARGS:-} > "$WORK/writ.log" 2>&1 &
echo $! > "$WORK/writ.pid"
until [ "$(curl -s -o /dev/null -w '%{http_code}' -d "$BODY" "$BENCH_URL/oauth2/token")" = "200" ]; do
  if ! kill -0 "$(cat "$WORK/writ.pid")" 2>/dev/null; then echo "Writ died; see $WORK/writ.log"; exit 1; fi
  sleep 0.02
done
t1=$(date +%s%N)
echo "STARTUP aot=${BENCH_AOT:-0} spring_aot=${BENCH_SPRING_AOT:-0} launch_to_first_exchange_ms=$(( (t1 - t0) / 1000000 )) pid=$(cat "$WORK/writ.pid") rss_mib=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$(cat "$WORK/writ.pid")/status)" | tee -a "$OUT_DIR/writ-startup.txt"
