#!/usr/bin/env bash
# make bench-scale: the national database (issue 18 item 4) at three sizes, and what each
# figure costs at each size; writes its section of bench/RESULTS.md.
# Usage: bench/scale.sh BENCH_DIR
# Env: SCALE_SIZES (default "50000 500000 5000000" requests), SCALE_RUNS (commands per figure,
# default 200), SCALE_LOAD_SECONDS (the fixed-rate load, default 10).
#
# For each size: bench_gen_national builds build-bench/scale/national-N.db once (kept while
# bench/gen_national.cpp and the migrations are unchanged); a copy is measured, because the
# commands write. Then, on that copy:
#   1. bench_scale: the commands, the web pages and the 07:00 tick, in-process (real handlers);
#   2. `tannha serve`: start-up to the first 200 on /healthz; RSS with 3,321 units loaded;
#      bench_loadgen at 1,000 /dangky updates/s spread over the 3,321 units' groups.
set -euo pipefail
dir="${1:?usage: bench/scale.sh BENCH_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$dir/tannha"
tools="$dir/bench"
sizes="${SCALE_SIZES:-50000 500000 5000000}"
runs="${SCALE_RUNS:-200}"
load_seconds="${SCALE_LOAD_SECONDS:-10}"
units=3321
work="$dir/scale"
mkdir -p "$work"
for t in "$bin" "$tools/bench_gen_national" "$tools/bench_scale" "$tools/bench_fake_api" "$tools/bench_loadgen"; do
  [[ -x "$t" ]] || { echo "bench-scale: $t is missing (make bench-build)" >&2; exit 1; }
done

api_pid="" server_pid=""
cleanup() {
  for p in $server_pid $api_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -1; }
t_all=$(date +%s)
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

"$tools/bench_fake_api" > "$work/api.out" &
api_pid=$!
for _ in $(seq 100); do grep -q '^port=' "$work/api.out" 2>/dev/null && break; sleep 0.05; done
api_port="$(sed -n 's/^port=//p' "$work/api.out")"

# Regenerated when the generator changes; a later migration is applied to the copy when it is
# opened, as a server upgrading would.
stamp="$(sha1sum < "$root/bench/gen_national.cpp" | cut -c1-12)"
for n in $sizes; do
  db="$work/national-$n.db"
  if [[ "$(cat "$work/national-$n.stamp" 2>/dev/null)" != "$stamp" || ! -f "$db" ]]; then
    echo "bench-scale: generating $n requests…"
    rm -f "$work/national-$n.stamp"
    "$tools/bench_gen_national" --config "$work/national-$n.toml" --db "$db" --requests "$n" --units "$units" \
      | tee "$work/gen-$n.out"
    echo "$stamp" > "$work/national-$n.stamp"
  fi
  bytes="$(stat -c %s "$db")"
  echo "bench-scale: $n requests: $((bytes / 1048576)) MiB ($((bytes / n)) bytes a request)"

  # 1. in-process: a fresh copy each time (the commands and the tick write)
  rm -f "$work/work.db" "$work/work.db-wal" "$work/work.db-shm"
  cp "$db" "$work/work.db"
  "$tools/bench_gen_national" --config "$work/work.toml" --db "$work/work.db" --config-only --units "$units" \
    --api-port "$api_port"
  "$tools/bench_scale" --config "$work/work.toml" --runs "$runs" > "$work/scale-$n.tsv" 2> "$work/scale-$n.log"
  cat "$work/scale-$n.tsv"

  # 2. the server on the same (now used) copy: start-up, RSS, the fixed-rate load
  t0=$(date +%s%N)
  # The database's own day (bench_gen_national: 2026-11-26), after the brief bench_scale posted
  # at 07:00 and its commands from 09:00: no job is due, as for a server restarted that morning
  # (on today's date every job of the day and the retention purge would be caught up first).
  "$bin" serve --config "$work/work.toml" --clock 2026-11-26T09:30:00+07:00 > "$work/server-$n.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 3000); do
    [[ -z "$port" ]] && port="$(sed -n 's/.*event=listening.* port=\([0-9]*\).*/\1/p' "$work/server-$n.log" | head -1)"
    if [[ -n "$port" ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then break; fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  [[ -n "$port" ]] || { echo "bench-scale: the server did not start:" >&2; cat "$work/server-$n.log" >&2; exit 1; }
  startup_ms=$(( (t1 - t0) / 1000000 ))
  sleep 1
  rss_idle="$(kb "$server_pid" VmRSS)"
  line="$("$tools/bench_loadgen" --port "$port" --rate 1000 --seconds "$load_seconds" --connections 32 \
    --units "$units" --run "s$n-$(date +%s)")"
  hwm="$(kb "$server_pid" VmHWM)"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  printf 'server\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$startup_ms" "$rss_idle" "$hwm" \
    "$(echo "$line" | field p50_ms)" "$(echo "$line" | field p99_ms)" "$(echo "$line" | field rate)" \
    "$(echo "$line" | field errors)" | tee -a "$work/scale-$n.tsv"
  printf 'size\t%s\t%s\n' "$bytes" "$(sed -n 's/.*total_s=\([0-9.]*\).*/\1/p' "$work/gen-$n.out" 2>/dev/null | head -1)" \
    >> "$work/scale-$n.tsv"
  rm -f "$work/work.db" "$work/work.db-wal" "$work/work.db-shm"
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
elapsed=$(( $(date +%s) - t_all ))

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
mem="$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
machine="nproc $(nproc); $cpu; $mem RAM; Linux $(uname -r); $(c++ --version | head -1); SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')"
rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
# Every size's latest figures: those of this run, and of an earlier run for a size left out.
section="$(python3 "$root/bench/scale_table.py" "$work" $(printf '%s\n' 50000 500000 5000000 $sizes | sort -nu))"
section="<!-- bench-scale -->
## The national database (make bench-scale)

Written by \`make bench-scale\` (bench/scale.sh) on $(date -u +"%Y-%m-%d %H:%M UTC"), commit $rev, in ${elapsed} s
(generation included when a database was not cached).

**Machine:** $machine.
Load average before / after: $load_start / $load_end (shared cores: wall-clock figures are noisy;
the CPU columns — this thread's CPU time per command — are the steadier ones).

**Setup:** bench_gen_national: $units units (the harness's config, inline [[units]] blocks), 30
members a unit (99,630), requests at the rate of 5 million over five years (0.83 a unit a day),
so a smaller database is a shorter history at the same daily activity (50,000: the last 18
days; 500,000: six months; 5,000,000: five years); 40 % of requests from a new citizen; 4 to 5
events a request. Then bench_scale, in-process on a copy: $runs commands per figure, each from a
random unit's leader in its group, through the dispatcher (one transaction and commit each, as
the server does); the web pages through handlers::web_site; the 07:00 brief of every unit
through the job runner. Then \`tannha serve\` on the same file: start-up to the first 200 on
/healthz, RSS, and bench_loadgen at 1,000 /dangky updates/s for ${load_seconds} s spread over the
$units units' groups.

$section
<!-- /bench-scale -->"
python3 - "$root/bench/RESULTS.md" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = "# Benchmark results\n"
pat = re.compile(r"<!-- bench-scale -->.*?<!-- /bench-scale -->", re.S)
text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "bench-scale: written to bench/RESULTS.md in ${elapsed} s"
