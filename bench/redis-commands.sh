#!/usr/bin/env bash
# Redis commands per exchange, by configuration, counted by Redis itself (INFO commandstats) over a run of
# exchanges against a real redis-server, with the time Redis spent on them.
#   bench/redis-commands.sh [EXCHANGES]      default 1000 per configuration
# Configurations: the store with neither replay protection nor limits; one-time tokens; rate limits (subject and
# source); both. Prints one RESULT line per configuration; raw commandstats in $OUT_DIR/redis-commands-*.txt.
set -euo pipefail
cd "$(dirname "$0")"; . ./env.sh
N=${1:-1000}
PORT=${REDIS_BENCH_PORT:-6391}
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$WORK/redis-bench.pid" --logfile "$WORK/redis-bench.log"
trap './writ-stop.sh; kill "$(cat "$WORK/redis-bench.pid")" 2>/dev/null || true' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
run() { # NAME REPLAY RATE_LIMIT
  BENCH_REPLAY=$2 BENCH_RATE_LIMIT=$3 AUDIT_LEVEL=WARN \
    BENCH_WRIT_ARGS="--writ.store.type=redis --spring.data.redis.port=$PORT" ./writ-start.sh > /dev/null
  TOKENS=$WORK/tokens-redis.txt
  $BENCH_JAVA -jar "$JAR" dev svids "$N" "$SUBJECT" --audience "$BENCH_ISSUER" --ttl 5m --keys "$SITE/keys" \
    --policies "$SITE/policies" > "$TOKENS" 2>/dev/null
  redis-cli -p "$PORT" config resetstat > /dev/null
  ok=0
  while read -r token; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --data "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&audience=https%3A%2F%2Finventory.bench.local&scope=inventory%3Aread&subject_token=$token" "$BENCH_URL/oauth2/token")
    [ "$code" = 200 ] && ok=$((ok + 1))
  done < "$TOKENS"
  STATS=$OUT_DIR/redis-commands-$1.txt
  redis-cli -p "$PORT" info commandstats > "$STATS"
  ./writ-stop.sh
  # cmdstat_<name>:calls=N,usec=U,... ; the PING of health checks and Writ's store monitor are left out
  read -r CALLS USEC DETAIL < <(awk -F'[:,=]' '/^cmdstat_/ && $1 !~ /^cmdstat_(ping|info|hello|client|config)/ {
      name=substr($1, 9); calls+=$3; usec+=$5; detail=detail name "=" $3 ";" }
      END { printf "%d %d %s\n", calls, usec, (detail == "" ? "none" : detail) }' "$STATS")
  printf 'RESULT config=%s exchanges=%d ok=%d redis_commands=%d per_exchange=%.2f redis_usec_per_exchange=%.2f commands=%s\n' \
    "$1" "$N" "$ok" "$CALLS" "$(echo "$CALLS / $ok" | bc -l)" "$(echo "$USEC / $ok" | bc -l)" "$DETAIL" \
    | tee -a "$OUT_DIR/redis-commands.txt"
}
run none reuse ""
run one-time one-time ""
run limits reuse "100000 per 1m"
run one-time+limits one-time "100000 per 1m"
