#!/usr/bin/env bash
# One wrk measurement of Writ's token endpoint, with the CPU and memory of the Writ JVM.
#   bench/writ-run.sh SCENARIO CONNECTIONS DURATION_S LABEL
#   DELAY_MS=N bench/writ-run.sh ...   paces each connection (N ms after every answer): latency below the peak
#   SCENARIO  fresh  a different JWT-SVID in every request (nothing cached: verify every signature)
#             reuse  200 JWT-SVIDs presented again and again, as SPIRE agents hand them out
# Needs a running Writ started by bench/writ-start.sh. Output: $OUT_DIR/writ-<scenario>-c<N>-<label>.txt
set -euo pipefail
cd "$(dirname "$0")"; . ./env.sh
S=$1; C=$2; DUR=$3; LABEL=$4
OUT=$OUT_DIR/writ-$S-c$C-$LABEL.txt
PID=$(cat "$WORK/writ.pid")
export WRK_THREADS=${WRK_THREADS:-1}
export TOKENS_FILE=$WORK/tokens-$S.txt
case $S in
  fresh) COUNT=$((MAX_RPS * DUR)) ;;
  reuse) COUNT=200 ;;
  *) echo "unknown scenario $S"; exit 2 ;;
esac
# Minted before each run: JWT-SVIDs live 5 minutes, as SPIRE's do by default.
$BENCH_JAVA -jar "$JAR" dev svids "$COUNT" "$SUBJECT" --audience "$BENCH_ISSUER" --ttl 5m --keys "$SITE/keys" --policies "$SITE/policies" \
  > "$TOKENS_FILE" 2>/dev/null
export BODY="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&audience=https%3A%2F%2Finventory.bench.local&scope=inventory%3Aread&subject_token=%s"
TCK=$(getconf CLK_TCK)
ticks() { awk '{print $14+$15}' /proc/$PID/stat; }
sys_ticks() { awk '/^cpu /{t=0; for(i=2;i<=NF;i++) t+=$i; print t, $5+$6}' /proc/stat; }
p0=$(ticks); read s0 i0 < <(sys_ticks); t0=$(date +%s.%N)
{
  echo "# $(date -u +%FT%TZ) writ scenario=$S connections=$C delay_ms=${DELAY_MS:-0} duration=${DUR}s wrk_threads=$WRK_THREADS label=$LABEL"
  echo "# $($BENCH_JAVA -version 2>&1 | head -1); crypto: $(grep -o 'Crypto: .*' "$WORK/writ.log" | head -1)"
  echo "# cmd: wrk -t$WRK_THREADS -c$C -d${DUR}s --timeout 10s --latency -s exchange.lua $BENCH_URL/oauth2/token"
} > "$OUT"
wrk -t"$WRK_THREADS" -c"$C" -d"${DUR}s" --timeout 10s --latency -s exchange.lua "$BENCH_URL/oauth2/token" >> "$OUT" 2>&1
t1=$(date +%s.%N); p1=$(ticks); read s1 i1 < <(sys_ticks)
RSS=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$PID/status); HWM=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$PID/status)
ELAPSED=$(echo "$t1 - $t0" | bc -l)
CORES=$(echo "($p1 - $p0) / $TCK / $ELAPSED" | bc -l)
SYS_BUSY=$(echo "(($s1 - $s0) - ($i1 - $i0)) / $TCK / $ELAPSED" | bc -l)
RPS=$(awk '/Requests\/sec/{print $2}' "$OUT")
read -r P50 P99 P999 < <(awk '/^PERCENTILES/{split($2,a,"=");split($3,b,"=");split($4,c,"="); print a[2], b[2], c[2]}' "$OUT")
NON2XX=$(awk '/^COUNTS/{split($3,a,"="); print a[2]}' "$OUT")
SOCKERR=$(awk '/^COUNTS/{split($4,a,"="); print a[2]}' "$OUT")
printf 'RESULT server=writ scenario=%s c=%s delay_ms=%s dur=%ss rps=%s p50_ms=%s p99_ms=%s p999_ms=%s non2xx=%s socket_errors=%s cores=%.2f sys_busy_cores=%.2f rss_mib=%s hwm_mib=%s\n' \
  "$S" "$C" "${DELAY_MS:-0}" "$DUR" "$RPS" "$P50" "$P99" "$P999" "$NON2XX" "$SOCKERR" "$CORES" "$SYS_BUSY" "$RSS" "$HWM" | tee -a "$OUT"
