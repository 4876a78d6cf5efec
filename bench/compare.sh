#!/usr/bin/env bash
# Writ and Keycloak measured side by side in one run, on this machine, with the same wrk settings:
#   bench/compare.sh [DURATION_S] [CONNECTIONS...]        default: 30 s at 2, 8 and 32 connections
# Keycloak runs through ../shared/bench/keycloak (its README); Writ through bench/writ-*.sh. One server runs at a
# time, each warmed up first. The summary goes to $OUT_DIR/summary.md.
set -euo pipefail
export OUT_DIR=${OUT_DIR:-/tmp/writ-bench/compare-$(date -u +%Y%m%dT%H%M%SZ)}    # one directory per comparison
cd "$(dirname "$0")"; . ./env.sh
DUR=${1:-30}; shift || true
CONNS=${*:-2 8 32}
KC=$(cd ../../shared/bench/keycloak 2>/dev/null && pwd) || { echo "no ../shared/bench/keycloak"; exit 1; }
export OUT_DIR

echo "== Keycloak"
kc() {  # one step of the Keycloak scripts; its output to the setup log, a failure named and fatal
  if ! (cd "$KC" && OUT_DIR=$OUT_DIR "$@") >> "$OUT_DIR/keycloak-setup.log" 2>&1; then
    echo "Keycloak step failed: $* (see $OUT_DIR/keycloak-setup.log)"; (cd "$KC" && ./stop.sh) >/dev/null 2>&1 || true; exit 1
  fi
}
: > "$OUT_DIR/keycloak-setup.log"
kc ./fetch.sh
kc ./start.sh --fresh
kc ./issuer.sh
kc ./setup-realm.sh
grep -E '^startup_wall_s' "$OUT_DIR/keycloak-setup.log" || true
kc ./run-wrk.sh jag 8 30 warmup
kc ./run-wrk.sh spiffe 8 20 warmup
for c in $CONNS; do
  for s in jag spiffe; do (cd "$KC" && OUT_DIR=$OUT_DIR ./run-wrk.sh "$s" "$c" "$DUR" run) | grep RESULT; done
done
(cd "$KC" && ./stop.sh) >/dev/null 2>&1 || true

echo "== Writ"
: > "$OUT_DIR/writ-startup.txt"
for i in 1 2 3; do ./writ-start.sh >/dev/null; ./writ-stop.sh; sleep 1; done      # start-up from the jar
./writ-aot.sh >/dev/null
for i in 1 2 3; do BENCH_AOT=1 ./writ-start.sh >/dev/null; ./writ-stop.sh; sleep 1; done   # from the AOT cache
BENCH_AOT=1 ./writ-start.sh >/dev/null
./writ-run.sh fresh 8 30 warmup >/dev/null 2>&1
for c in $CONNS; do
  for s in fresh reuse; do ./writ-run.sh "$s" "$c" "$DUR" run | grep RESULT; done
done
# Latency below the peak: 8 connections, each pausing 2 ms after every answer (about half the peak rate here).
DELAY_MS=2 ./writ-run.sh fresh 8 "$DUR" paced | grep RESULT
./writ-stop.sh

{
  echo "| server | scenario | connections | exchanges/s | p50 ms | p99 ms | p99.9 ms | non-2xx | server cores | RSS MiB (peak) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for f in $(printf '%s\n' "$OUT_DIR"/*-c*-run.txt "$OUT_DIR"/*-paced.txt | sort -V); do
    awk '/^RESULT/{
      for(i=2;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]}
      server = ("server" in v) ? v["server"] : "keycloak"
      p50 = ("p50_ms" in v) ? v["p50_ms"] : v["p50"]; p99 = ("p99_ms" in v) ? v["p99_ms"] : v["p99"]
      p999 = ("p999_ms" in v) ? v["p999_ms"] : "-"; cores = ("cores" in v) ? v["cores"] : v["kc_cores"]
      hwm = ("hwm_mib" in v) ? v["hwm_mib"] : v["kc_hwm_mib"]
      if (("delay_ms" in v) && v["delay_ms"] > 0) v["scenario"] = v["scenario"] " paced " v["delay_ms"] " ms"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", server, v["scenario"], v["c"], v["rps"], p50, p99, p999, v["non2xx"], cores, hwm
      delete v }' "$f"
  done
  cat "$OUT_DIR/writ-startup.txt"
} | tee "$OUT_DIR/summary.md"
