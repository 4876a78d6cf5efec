#!/usr/bin/env bash
# A bounded mix of valid and hostile requests at the token endpoint of a bench Writ (memory store), checking what
# docs/exchange-api.md promises: no 5xx, an audit event for every request, and a memory footprint that stays flat.
#   bench/hostile.sh [REQUESTS] [CONNECTIONS]     default 1000000 requests over 8 connections; stops by itself
#                                                 (at the count, or after 15 minutes)
# Starts Writ with bench/writ-start.sh and an audit file, stops it at the end. Output: $OUT_DIR/hostile-<time>.txt
set -euo pipefail
cd "$(dirname "$0")"; . ./env.sh
N=${1:-1000000}; C=${2:-8}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$OUT_DIR/hostile-$STAMP.txt
AUDIT=$WORK/hostile-audit.jsonl
rm -f "$AUDIT"
# Tomcat's access log counts, apart from the audit, every request Writ received.
ACCESS_DIR=$WORK/hostile-access; rm -rf "$ACCESS_DIR"
BENCH_WRIT_ARGS="--writ.audit.file=$AUDIT --server.tomcat.accesslog.enabled=true \
--server.tomcat.accesslog.directory=$ACCESS_DIR --server.tomcat.accesslog.prefix=access --server.tomcat.accesslog.suffix=.log \
--server.tomcat.accesslog.rotate=false --server.tomcat.accesslog.buffered=false --server.tomcat.accesslog.pattern=%m_%s \
${BENCH_WRIT_ARGS:-}" ./writ-start.sh >/dev/null
PID=$(cat "$WORK/writ.pid")
trap './writ-stop.sh >/dev/null 2>&1 || true' EXIT
# Tokens for the valid part: signed by the bench site's demo key, for 30 minutes (the run is bounded by 15).
VALID=$WORK/hostile-valid.txt
$BENCH_JAVA -jar "$JAR" dev svids 2000 "$SUBJECT" --audience "$BENCH_ISSUER" --ttl 30m --keys "$SITE/keys" --policies "$SITE/policies" > "$VALID" 2>/dev/null
FORM=application/x-www-form-urlencoded
GT="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
ST="subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt"
AUD="audience=https%3A%2F%2Finventory.bench.local&scope=inventory%3Aread"
REQ=$WORK/hostile-requests.txt
PAD=$(head -c 17000 /dev/zero | tr '\0' 'a')
BIG=$(head -c 70000 /dev/zero | tr '\0' 'x')
: > "$REQ"
n=0
while read -r t; do
  n=$((n + 1))
  line() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$REQ"; }
  # 5 in 12 valid: granted.
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$t"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$t"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$t"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$t"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$t"
  # Valid tokens, refused by policy: an audience no grant names, a scope beyond the grant.
  line POST $FORM /oauth2/token "$GT&$ST&audience=https%3A%2F%2Felsewhere.example&subject_token=$t"
  line POST $FORM /oauth2/token "$GT&$ST&audience=https%3A%2F%2Finventory.bench.local&scope=inventory%3Aadmin&subject_token=$t"
  # The same tokens respelled: padded signature, standard alphabet, whitespace, a bad signature.
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=${t}%3D%3D"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$(printf '%s' "$t" | tr -- '-_' '+/' | sed 's/+/%2B/g; s#/#%2F#g')"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=%20$t%0A"
  line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=${t%?????}AAAAA"
  # Garbage of every kind.
  case $((n % 10)) in
    0) line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=bnVsbA.e30.AAAA" ;;
    1) line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=e30.e30.e30" ;;
    2) line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=$PAD" ;;
    3) line POST $FORM /oauth2/token "$GT&$ST&$AUD&subject_token=%zz" ;;
    4) line POST $FORM /oauth2/token "$ST&$AUD&subject_token=$t" ;;
    5) line GET "" "/oauth2/token?$GT&$ST&subject_token=x" "" ;;
    6) line POST application/json /oauth2/token "{\"grant_type\":\"urn:ietf:params:oauth:grant-type:token-exchange\"}" ;;
    7) line POST $FORM "/oauth2/token?$GT" "$GT&$ST&subject_token=$t" ;;
    8) line POST $FORM /oauth2/token "$GT&$GT&$ST&subject_token=$t" ;;
    9) if [ $((n % 100)) = 9 ]; then line POST $FORM /oauth2/token "$GT&$ST&pad=$BIG"; else
         line POST $FORM /oauth2/token "$GT&$ST&actor_token=x&subject_token=$t"; fi ;;
  esac
done < "$VALID"
LINES=$(wc -l < "$REQ")
rss() { awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$PID/status; }
before=$(wc -l < "$AUDIT")   # the start-up probe
before_access=$(cat "$ACCESS_DIR"/access*.log | wc -l)
{
  echo "# $(date -u +%FT%TZ) hostile mix: $N requests over $C connections, $LINES distinct requests (5 in 12 valid and granted)"
  echo "# $($BENCH_JAVA -version 2>&1 | head -1); JVM options: $BENCH_JVM_OPTS"
} > "$OUT"
( while kill -0 "$PID" 2>/dev/null; do echo "RSS t=$(date +%s) rss_mib=$(rss)" >> "$OUT"; sleep 30; done ) &
SAMPLER=$!
t0=$(date +%s)
REQUESTS_FILE=$REQ timeout 16m wrk -t1 -c"$C" -d15m --timeout 10s --latency -s hostile.lua \
  "$BENCH_URL/oauth2/token" >> "$OUT" 2>&1 &
WRK=$!
# wrk runs for a duration; it is stopped (SIGINT: it prints its summary) once Writ has audited N requests.
while kill -0 "$WRK" 2>/dev/null && [ $(( $(wc -l < "$AUDIT") - before )) -lt "$N" ]; do sleep 2; done
kill -INT "$WRK" 2>/dev/null || true
wait "$WRK" || true
t1=$(date +%s)
sleep 2   # the answers in flight when wrk stopped land in the audit file too
kill "$SAMPLER" 2>/dev/null || true
answered=$(awk '/^COUNTS/{split($2,a,"="); print a[2]}' "$OUT")
audited=$(( $(wc -l < "$AUDIT") - before ))
received=$(( $(cat "$ACCESS_DIR"/access*.log | wc -l) - before_access ))
fivexx_access=$(cat "$ACCESS_DIR"/access*.log | grep -c '_5[0-9][0-9]$' || true)
fivexx=$(grep -c '"error":"server_error"' "$AUDIT" || true)
granted=$(grep -c '"outcome":"granted"' "$AUDIT" || true)
RSS_FIRST=$(awk '/^RSS/{split($3,a,"="); v[++n]=a[2]} END{print (n>=3)?v[3]:v[n]}' "$OUT")
RSS_LAST=$(awk '/^RSS/{split($3,a,"="); v=a[2]} END{print v}' "$OUT")
printf 'RESULT hostile answered=%s received=%s audited=%s seconds=%s granted=%s server_error_events=%s http_5xx=%s rss_after_warmup_mib=%s rss_end_mib=%s\n' \
  "$answered" "$received" "$audited" "$((t1 - t0))" "$granted" "$fivexx" "$fivexx_access" "$RSS_FIRST" "$RSS_LAST" | tee -a "$OUT"
cat "$ACCESS_DIR"/access*.log | sort | uniq -c | sort -rn | awk '{printf "STATUS %s %s\n", $2, $1}' | tee -a "$OUT"
grep -E '^(COUNTS|PERCENTILES|HTTP 5)' "$OUT" || true
