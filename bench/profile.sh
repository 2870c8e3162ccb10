#!/usr/bin/env bash
# Where the time goes: runs the server under callgrind (instruction counts do not depend on
# how busy the machine is), posts N unique /dangky updates (bench_loadgen, slow fixed rate)
# and waits for their replies, then prints instructions per update and the top functions.
# `perf stat -e instructions` is not available on this kind of VM, hence callgrind.
# Usage: bench/profile.sh BUILD_DIR [N=500] [TANNHA_BINARY]   (needs valgrind)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: bench/profile.sh BUILD_DIR [N] [BINARY]}" && pwd)"
n="${2:-500}"
bin="${3:-$build/tannha}"
tools="$build/bench"
work="$(mktemp -d /tmp/tannha-profile.XXXXXX)"
api_pid="" server_pid=""
cleanup() {
  for p in $server_pid $api_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
"$tools/bench_fake_api" > "$work/api.out" &
api_pid=$!
for _ in $(seq 100); do grep -q '^port=' "$work/api.out" 2>/dev/null && break; sleep 0.05; done
api_port="$(sed -n 's/^port=//p' "$work/api.out")"
"$tools/bench_loadgen" --write-config "$work/config.toml" --db "$work/tannha.db" --api-port "$api_port" --units 32
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$bin" serve --config "$work/config.toml" \
  > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1200); do grep -q 'event=listening' "$work/server.log" 2>/dev/null && break; sleep 0.05; done
port="$(sed -n 's/.*event=listening.* port=\([0-9]*\).*/\1/p' "$work/server.log" | head -1)"
# Instructions before the load (startup: migrations, config sync, TLS context) are subtracted.
callgrind_control -z "$server_pid" > /dev/null 2>&1 || true
"$tools/bench_loadgen" --port "$port" --rate 50 --seconds "$(awk -v n="$n" 'BEGIN {print n / 50}')" --connections 4 \
  --units 32 --run "p$$" > "$work/load.out"
for _ in $(seq 600); do
  d="$(curl -s "http://127.0.0.1:$api_port/stats" | sed -n 's/.*"delivered":\([0-9]*\).*/\1/p')"
  (( d >= n )) && break
  sleep 0.1
done
callgrind_control -d "$server_pid" > /dev/null 2>&1 || true
sleep 1
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
out="$work/callgrind.out.1"  # the dump taken right after the load
total="$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')"
echo "profile: $n updates, $d replies; $(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.0f", t / n}') instructions per update (callgrind: $out)"
echo "profile: inclusive cost, top functions of ours:"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep -E 'tannha::|sqlite3_step|utf8proc_map|SHA256|malloc' |
  head -40 | sed -E 's/\(([^()]|\([^()]*\))*\)//g; s/\[[^]]*\]//g' | cut -c1-150
