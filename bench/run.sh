#!/usr/bin/env bash
# `make bench`: end-to-end figures of the release binary on loopback, written to
# bench/RESULTS.md with the machine description. Usage: bench/run.sh BUILD_DIR
# Environment: BENCH_SECONDS (10) per load run, BENCH_RUNS (3) runs per figure (the median is
# reported), BENCH_UNITS (32) units, i.e. group chats the replies spread over.
#
# What runs: bench_fake_api (a fake Bot API answering sendMessage and counting), the server
# (`tannha serve`, zalo platform, a fresh database per run, relay limits set high so nothing
# is throttled), then
#   1. wrk, 2 threads x 16 connections, bench/webhook.lua: unique /dangky updates. The figure
#      is replies DELIVERED to the fake API per second, from the first request until the last
#      reply arrived (not webhook answers).
#   2. bench_loadgen: open loop at a fixed 1,000 updates/s over 32 connections; latency counted
#      from each request's due time.
#   3. bench_sqlite_commit: single-row INSERT transactions with the server's pragmas, the
#      machine's commit bound.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: bench/run.sh BUILD_DIR}" && pwd)"
seconds="${BENCH_SECONDS:-10}"
runs="${BENCH_RUNS:-3}"
units="${BENCH_UNITS:-32}"
conns=16
bin="$build/tannha"
tools="$build/bench"
for t in "$bin" "$tools/bench_fake_api" "$tools/bench_loadgen" "$tools/bench_sqlite_commit"; do
  [[ -x "$t" ]] || { echo "bench: $t is not built" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/install-deps.sh --bench)" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench: curl is missing" >&2; exit 2; }

work="$(mktemp -d /tmp/tannha-bench.XXXXXX)"
api_pid="" server_pid="" sampler_pid=""
cleanup() {
  for p in $sampler_pid $server_pid $api_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -1; }  # field NAME < "a=1 NAME=2"
kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime of the server
hz="$(getconf CLK_TCK)"

# ---- the fake platform API
"$tools/bench_fake_api" > "$work/api.out" &
api_pid=$!
for _ in $(seq 100); do grep -q '^port=' "$work/api.out" 2>/dev/null && break; sleep 0.05; done
api_port="$(sed -n 's/^port=//p' "$work/api.out")"
delivered() { curl -s "http://127.0.0.1:$api_port/stats" | sed -n 's/.*"delivered":\([0-9]*\).*/\1/p'; }

start_server() {  # fresh database each time; sets server_pid and port
  rm -rf "$work/db" && mkdir -p "$work/db"
  "$tools/bench_loadgen" --write-config "$work/config.toml" --db "$work/db/tannha.db" --api-port "$api_port" \
    --units "$units"
  "$bin" serve --config "$work/config.toml" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 400); do grep -q 'event=listening' "$work/server.log" 2>/dev/null && break; sleep 0.05; done
  port="$(sed -n 's/.*event=listening.* port=\([0-9]*\).*/\1/p' "$work/server.log" | head -1)"
  [[ -n "$port" ]] || { echo "bench: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
}
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
start_sampler() {  # the largest VmRSS seen while the load runs, in kB
  ( max=0; while kill -0 "$server_pid" 2>/dev/null; do
      v="$(kb "$server_pid" VmRSS 2>/dev/null || echo 0)"; (( ${v:-0} > max )) && max=$v && echo "$max" > "$work/rss_max"
      sleep 0.2; done ) &
  sampler_pid=$!
}
stop_sampler() { kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; }
wait_delivered() {  # wait_delivered BASE COUNT: until COUNT more replies arrived; prints the time
  local base="$1" want="$2" d
  for _ in $(seq 2400); do
    d="$(delivered)"
    if (( d - base >= want )); then now; return 0; fi
    sleep 0.05
  done
  echo "bench: only $((d - base)) of $want replies arrived" >&2
  now
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $runs run(s) of ${seconds}s each, $units units, load average at start $load_start"

# ---- 1. throughput and latency at 16 connections (wrk)
: > "$work/thr"
for r in $(seq "$runs"); do
  start_server
  sleep 1
  idle_rss="$(kb "$server_pid" VmRSS)"
  echo 0 > "$work/rss_max"
  start_sampler
  d0="$(delivered)"
  c0="$(cpu_ticks "$server_pid")"
  t0="$(now)"
  wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$root/bench/webhook.lua" "http://127.0.0.1:$port/webhook" \
    -- "r$r" "$units" > "$work/wrk.out" 2>&1
  line="$(grep '^wrk_result' "$work/wrk.out")"
  n="$(field requests <<< "$line")"
  t_answers="$(field seconds <<< "$line")"
  t1="$(wait_delivered "$d0" "$n")"
  got=$(( $(delivered) - d0 ))
  c1="$(cpu_ticks "$server_pid")"
  # Group commit: how many updates shared each webhook transaction.
  batches="$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^tannha_webhook_batches_total/ {print $2}')"
  per_batch="$(awk -v n="$n" -v b="${batches:-0}" 'BEGIN {printf "%.1f", (b > 0 ? n / b : 0)}')"
  stop_sampler
  cpu_us="$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$got" 'BEGIN {printf "%.0f", (b - a) / hz * 1e6 / n}')"
  hwm="$(kb "$server_pid" VmHWM)"
  rss_max="$(cat "$work/rss_max")"
  errors="$(field errors <<< "$line")"; non2xx="$(field non2xx <<< "$line")"
  replies_s="$(awk -v n="$got" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')"
  answers_s="$(awk -v n="$n" -v s="$t_answers" 'BEGIN {printf "%.0f", n / s}')"
  p50="$(field p50_us <<< "$line")"; p99="$(field p99_us <<< "$line")"
  echo "$replies_s $answers_s $p50 $p99 $idle_rss $hwm $rss_max $n $got $errors $non2xx $cpu_us $per_batch" >> "$work/thr"
  echo "bench: wrk run $r: $got replies delivered for $n updates answered ($errors errors, $non2xx non-2xx):" \
       "replies/s $replies_s, answers/s $answers_s, p50 ${p50}us p99 ${p99}us, RSS idle ${idle_rss} kB," \
       "peak ${hwm} kB, server CPU ${cpu_us} us per reply, ${per_batch} updates per webhook commit"
  stop_server
done

# ---- 2. latency at a fixed 1,000 updates/s (open loop)
: > "$work/fixed"
for r in $(seq "$runs"); do
  start_server
  sleep 1
  d0="$(delivered)"
  line="$("$tools/bench_loadgen" --port "$port" --rate 1000 --seconds "$seconds" --connections 32 --units "$units" \
          --run "f$r" || true)"
  n="$(field ok <<< "$line")"
  wait_delivered "$d0" "$n" > /dev/null
  got=$(( $(delivered) - d0 ))
  echo "$(field p50_ms <<< "$line") $(field p99_ms <<< "$line") $(field max_ms <<< "$line") $(field rate <<< "$line") $n $got $(field errors <<< "$line")" >> "$work/fixed"
  echo "bench: fixed-rate run $r: $line; replies delivered $got"
  stop_server
done

# ---- 3. the SQLite commit bound
: > "$work/commit"
for r in $(seq "$runs"); do
  "$tools/bench_sqlite_commit" "$work/commit.db" 20000 NORMAL | field commits_per_second >> "$work/commit"
done
commit_full="$("$tools/bench_sqlite_commit" "$work/commit.db" 5000 FULL | field commits_per_second)"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$1" '{print $c}' "$2" | median; }
all() { awk -v c="$1" '{printf "%s%s", (NR>1?", ":""), $c}' "$2"; }
replies="$(col 1 "$work/thr")"; answers="$(col 2 "$work/thr")"
p50_16="$(awk '{print $3/1000}' "$work/thr" | median)"; p99_16="$(awk '{print $4/1000}' "$work/thr" | median)"
idle_mb="$(awk '{print $5/1024}' "$work/thr" | median)"; peak_mb="$(awk '{m=($6>m?$6:m)} END {print m/1024}' "$work/thr")"
fx50="$(col 1 "$work/fixed")"; fx99="$(col 2 "$work/fixed")"; fxmax="$(col 3 "$work/fixed")"; fxrate="$(col 4 "$work/fixed")"
commit="$(col 1 "$work/commit")"
cpu_per="$(col 12 "$work/thr")"
per_batch="$(col 13 "$work/thr")"
verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN {ok = dir == ">=" ? v >= g : v < g; print ok ? "met" : "NOT met"}'; }

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
mem="$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
compiler="$(c++ --version | head -1)"
sqlite_v="$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')"
rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"

table="$(cat <<TABLE
| figure | measured (median of $runs) | goal |
| --- | --- | --- |
| replies delivered / s, end to end, wrk 16 connections | $(printf %.0f "$replies") (runs: $(all 1 "$work/thr")) | ≥ 20,000 — $(verdict "$replies" 20000 ">=") |
| webhook answers / s (200, update committed first), same runs | $(printf %.0f "$answers") | — |
| server CPU time per reply (user + system, /proc/PID/stat), same runs | $(printf %.0f "$cpu_per") µs, i.e. at most $(awk -v c="$cpu_per" 'BEGIN {printf "%.0f", 1e6 / c}') replies/s per core the server gets | — |
| webhook latency p50 / p99, 16 connections (closed loop) | $(printf %.2f "$p50_16") ms / $(printf %.2f "$p99_16") ms | — |
| webhook latency p50 / p99 / max at a fixed 1,000 updates/s | $(printf %.2f "$fx50") ms / $(printf %.2f "$fx99") ms / $(printf %.1f "$fxmax") ms (achieved $(printf %.0f "$fxrate")/s) | p99 < 5 ms — $(verdict "$fx99" 5 "<") |
| RSS idle (VmRSS, fresh server) | $(printf %.1f "$idle_mb") MB | — |
| RSS peak under load (VmHWM, largest of the runs) | $(printf %.1f "$peak_mb") MB | < 30 MB — $(verdict "$peak_mb" 30 "<") |
| SQLite commits / s, 1-row transactions, WAL + synchronous=NORMAL (the bound) | $(printf %.0f "$commit") (runs: $(all 1 "$work/commit")) | — |
| … same with synchronous=FULL (fsync per commit), for reference | $(printf %.0f "$commit_full") | — |
| updates per webhook transaction (group commit), same runs | $(printf %.1f "$per_batch") | — |
| ours / bound: replies per second ÷ commits per second | $(awk -v a="$replies" -v b="$commit" 'BEGIN {printf "%.2f", a / b}') (a reply shares its update's transaction with the others that arrived together, and the relay records finished sends in batches) | — |
TABLE
)"

machine="nproc $(nproc); $cpu; $mem RAM; Linux $(uname -r); $compiler; SQLite $sqlite_v"
echo
echo "$machine"
echo "$table"

# Other commands' sections (<!-- make bench-peers: begin --> … end -->) are kept.
others="$(sed -n '/^<!-- make bench-[a-z]*: begin -->/,/^<!-- make bench-[a-z]*: end -->/p' \
          "$root/bench/RESULTS.md" 2>/dev/null || true)"
# The section of `make bench-scale` (bench/scale.sh) is kept, after this one.
kept="$(sed -n '/^<!-- bench-scale -->$/,/^<!-- \/bench-scale -->$/p' "$root/bench/RESULTS.md" 2>/dev/null || true)"
cat > "$root/bench/RESULTS.md" <<EOF
# Benchmark results

Written by \`make bench\` (bench/run.sh) on $(date -u +"%Y-%m-%d %H:%M UTC"), commit $rev.

**Machine:** $machine.
Load average before / after: $load_start / $load_end (the cores may be shared: figures taken
while other work runs are noisy; each is the median of $runs runs of ${seconds} s).

**Setup:** release build; zalo platform; the fake Bot API (bench_fake_api) on loopback answers
every sendMessage; $units units, each with its own group chat, so replies spread over $units
chats (the relay keeps one send in flight per chat, up to relay.max_in_flight = 32 chats at once); relay rate limits set
high (per_chat_per_second = 1,000,000, per_group_per_minute = 60,000,000, global = 1,000,000)
so nothing is throttled — the figure is the process, not the platforms' limits. Every update
is a unique Zalo group message carrying a complete /dangky form (unique name, unique
message_id): each registers a request and queues one reply. Each update is committed
(processed_updates, citizen, request, history, outbox) before its 200 is written.
Fixed rate: bench_loadgen (open loop: update i is due at i/1000 s, latency counted from that
due time, 32 connections) — not wrk, which cannot hold a fixed rate.

$table

Raw runs (wrk: replies/s answers/s p50_us p99_us idle_kB hwm_kB sampled_max_kB updates replies errors non2xx cpu_us_per_reply updates_per_commit):
\`\`\`
$(cat "$work/thr")
\`\`\`
Fixed rate (p50_ms p99_ms max_ms rate updates replies errors):
\`\`\`
$(cat "$work/fixed")
\`\`\`
EOF
if [[ -n "$others" ]]; then printf '\n%s\n' "$others" >> "$root/bench/RESULTS.md"; fi
[[ -z "$kept" ]] || printf '\n%s\n' "$kept" >> "$root/bench/RESULTS.md"
echo
echo "bench: written to bench/RESULTS.md"
