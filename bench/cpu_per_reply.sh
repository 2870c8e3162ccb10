#!/usr/bin/env bash
# The steady figure on a shared machine: server CPU time (utime + stime, /proc/PID/stat) per
# reply delivered, under the same wrk load as `make bench`, RUNS times, with the median.
# Usage: bench/cpu_per_reply.sh BUILD_DIR
# Environment: BENCH_SECONDS (6), BENCH_RUNS (3), BENCH_UNITS (64), BENCH_CONNS (16);
# TANNHA_BIN=PATH runs another server binary with the same tools;
# PERF_OUT=FILE also records the server with `perf record -g` (DWARF) during the first run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: bench/cpu_per_reply.sh BUILD_DIR}" && pwd)"
seconds="${BENCH_SECONDS:-6}"
runs="${BENCH_RUNS:-3}"
units="${BENCH_UNITS:-64}"
conns="${BENCH_CONNS:-16}"
tools="$build/bench"
work="$(mktemp -d /tmp/tannha-cpu.XXXXXX)"
api_pid="" server_pid="" perf_pid=""
cleanup() {
  for p in $perf_pid $server_pid $api_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
hz="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -1; }

"$tools/bench_fake_api" > "$work/api.out" &
api_pid=$!
for _ in $(seq 100); do grep -q '^port=' "$work/api.out" 2>/dev/null && break; sleep 0.05; done
api_port="$(sed -n 's/^port=//p' "$work/api.out")"
delivered() { curl -s "http://127.0.0.1:$api_port/stats" | sed -n 's/.*"delivered":\([0-9]*\).*/\1/p'; }

: > "$work/runs"
for r in $(seq "$runs"); do
  rm -rf "$work/db" && mkdir -p "$work/db"
  "$tools/bench_loadgen" --write-config "$work/config.toml" --db "$work/db/tannha.db" --api-port "$api_port" \
    --units "$units"
  "${TANNHA_BIN:-$build/tannha}" serve --config "$work/config.toml" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 400); do grep -q 'event=listening' "$work/server.log" 2>/dev/null && break; sleep 0.05; done
  port="$(sed -n 's/.*event=listening.* port=\([0-9]*\).*/\1/p' "$work/server.log" | head -1)"
  sleep 0.5
  if [[ -n "${PERF_OUT:-}" && "$r" == 1 ]]; then
    perf record -e cpu-clock -F 999 --call-graph dwarf,16384 -p "$server_pid" -o "$PERF_OUT" 2> "$work/perf.err" &
    perf_pid=$!
  fi
  d0="$(delivered)"; c0="$(cpu_ticks "$server_pid")"; t0="$(date +%s.%N)"
  wrk -t2 -c"$conns" -d"${seconds}s" -s "$root/bench/webhook.lua" "http://127.0.0.1:$port/webhook" \
    -- "c$r" "$units" > "$work/wrk.out" 2>&1
  n="$(grep '^wrk_result' "$work/wrk.out" | field requests)"
  for _ in $(seq 1200); do (( $(delivered) - d0 >= n )) && break; sleep 0.05; done
  t1="$(date +%s.%N)"; got=$(( $(delivered) - d0 )); c1="$(cpu_ticks "$server_pid")"
  if [[ -n "$perf_pid" ]]; then kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; perf_pid=""; fi
  batches="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^tannha_webhook_batches_total/ {print $2}')"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$got" -v u="$n" -v t0="$t0" -v t1="$t1" -v bt="${batches:-0}" \
    'BEGIN {printf "%.0f %.0f %d %d %.1f\n", (b - a) / hz * 1e6 / n, n / (t1 - t0), u, n, (bt > 0 ? u / bt : 0)}' \
    >> "$work/runs"
  echo "run $r: $(tail -1 "$work/runs") (cpu_us_per_reply replies_per_s updates replies updates_per_commit)"
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "median: cpu_us_per_reply=$(awk '{print $1}' "$work/runs" | median)" \
     "replies_per_s=$(awk '{print $2}' "$work/runs" | median)" \
     "updates_per_commit=$(awk '{print $5}' "$work/runs" | median) units=$units conns=$conns seconds=$seconds"
