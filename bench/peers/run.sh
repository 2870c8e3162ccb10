#!/usr/bin/env bash
# `make bench-peers`: Tận Nhà beside the same job written with python-telegram-bot and with
# grammY, in one run, against one fake platform API (nginx); writes its section of
# bench/RESULTS.md. Usage: bench/peers/run.sh BUILD_DIR
# Environment: PEERS_SECONDS (5) per run, PEERS_RUNS (3) runs per figure (medians reported),
# PEERS_CONNECTIONS (16) wrk connections, PEERS_BOTS ("tannha grammy ptb"), PEERS_LOADS ("1 64").
#
# The job: a group message carrying a complete /dangky form; the bot parses it, commits one
# SQLite row (WAL, synchronous=NORMAL everywhere) before answering the webhook, and replies in
# the group through sendMessage. Every update is unique (bench/peers/updates.lua).
#   - tannha: the release binary, zalo platform, 64 units each with its own group (config from
#     bench_loadgen --write-config, relay limits set high as in `make bench`). It answers the
#     webhook after the commit; the relay sends the reply afterwards.
#   - grammy: bench/peers/grammy/bot.js, grammY's webhookCallback on node:http, better-sqlite3.
#   - ptb: bench/peers/ptb/bot.py, python-telegram-bot 13 (Debian) on /usr/bin/python3.
# The peers send their reply inside the handler, i.e. before their webhook answer.
# Each run: a fresh bot and database, a 1 s warm-up (not counted), then the measured load.
# Loads: every update in ONE group, and updates spread over 64 groups (64 units for Tận Nhà).
# The figure is replies DELIVERED at nginx per second: sendMessage requests logged by nginx
# (one $msec line each) ÷ (time of the last one − start of wrk); not webhook answers.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peers="$root/bench/peers"
build="$(cd "${1:?usage: bench/peers/run.sh BUILD_DIR}" && pwd)"
seconds="${PEERS_SECONDS:-5}"
runs="${PEERS_RUNS:-3}"
conns="${PEERS_CONNECTIONS:-16}"
bots="${PEERS_BOTS:-tannha grammy ptb}"
loads="${PEERS_LOADS:-1 64}"
units=64
python=/usr/bin/python3  # Debian's, where python3-python-telegram-bot lives
secret="bench-secret-0123456789"

need() { echo "bench-peers: $*" >&2; exit 2; }
[[ " $bots " != *" tannha "* || ( -x "$build/tannha" && -x "$build/bench/bench_loadgen" ) ]] || need "$build/tannha or bench_loadgen is not built (make bench-build)"
command -v wrk >/dev/null || need "wrk is missing (scripts/install-deps.sh --peers)"
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need "nginx is missing (scripts/install-deps.sh --peers)"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
command -v sqlite3 >/dev/null || need "sqlite3 is missing (scripts/install-deps.sh)"
"$python" -c 'import telegram' 2>/dev/null || need "python-telegram-bot is missing for $python (scripts/install-deps.sh --peers)"
command -v node >/dev/null || need "node is missing (Node >= 20)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || need "Node $node_major is too old for better-sqlite3 12 (>= 20)"
[[ -d "$peers/grammy/node_modules/grammy" && -d "$peers/grammy/node_modules/better-sqlite3" ]] ||
  need "bench/peers/grammy/node_modules is missing (make bench-peers runs npm ci there)"

work="$(mktemp -d /tmp/tannha-peers.XXXXXX)"
nginx_pid="" bot_pid=""
cleanup() {
  for p in $bot_pid $nginx_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A step that fails says where, with the bot's last words.
trap 'echo "bench-peers: failed at line $LINENO" >&2; [[ -f "$work/${bot:-none}.log" ]] && tail -20 "$work/$bot.log" >&2' ERR

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" | head -1; }  # field NAME < "a=1 NAME=2"
kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, every thread
hz="$(getconf CLK_TCK)"
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- the one fake platform API: nginx on loopback, its own prefix, in the foreground.
# Every /bot<token>/sendMessage gets a fixed ok answer carrying a Telegram Message (Tận Nhà's
# Zalo client reads ok and result.message_id of the same shape) and one line in replies.log;
# getMe answers for the peers' frameworks; anything else is a 404.
mkdir -p "$work/nginx/tmp"
api_port="$(free_port)"
replies_log="$work/replies.log"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  log_format replies '\$msec';
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  default_type application/json;
  server {
    listen 127.0.0.1:$api_port;
    location ~ ^/bot[^/]+/sendMessage\$ {
      access_log $replies_log replies;
      return 200 '{"ok":true,"result":{"message_id":1,"date":1764377401,"chat":{"id":-1000000,"type":"group","title":"Xã Thử"},"text":"ok"}}';
    }
    location ~ ^/bot[^/]+/getMe\$ {
      return 200 '{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Tận Nhà","username":"tannha_bench_bot","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}';
    }
    location / {
      return 404 '{"ok":false,"error_code":404,"description":"Not Found"}';
    }
  }
}
EOF
: > "$replies_log"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$api_port/" && break
  sleep 0.05
done
curl -s -o /dev/null "http://127.0.0.1:$api_port/" || { cat "$work/nginx/error.log" >&2; need "nginx did not start"; }
delivered() { wc -l < "$replies_log"; }

if [[ " $bots " == *" tannha "* ]]; then
  "$build/bench/bench_loadgen" --write-config "$work/tannha.toml" --db "$work/db/tannha.db" --api-port "$api_port" \
    --units "$units"
fi

start_bot() {  # start_bot NAME: a fresh database; sets bot_pid and bot_port
  local name="$1" log="$work/$1.log"
  rm -rf "$work/db" && mkdir -p "$work/db"
  case "$name" in
    tannha) "$build/tannha" serve --config "$work/tannha.toml" > "$log" 2>&1 & ;;
    grammy) DB="$work/db/peer.db" API_ROOT="http://127.0.0.1:$api_port" SECRET="$secret" \
              node "$peers/grammy/bot.js" > "$log" 2>&1 & ;;
    ptb) DB="$work/db/peer.db" API_ROOT="http://127.0.0.1:$api_port" SECRET="$secret" \
           "$python" "$peers/ptb/bot.py" > "$log" 2>&1 & ;;
  esac
  bot_pid=$!
  bot_port=""
  for _ in $(seq 400); do
    bot_port="$(sed -n 's/.*listening.* port=\([0-9]*\).*/\1/p' "$log" | head -1)"
    [[ -n "$bot_port" ]] && break
    sleep 0.05
  done
  [[ -n "$bot_port" ]] || { cat "$log" >&2; echo "bench-peers: $name did not start" >&2; exit 1; }
}
stop_bot() {
  kill "$bot_pid" 2>/dev/null || true
  wait "$bot_pid" 2>/dev/null || true
  bot_pid=""
}
rows() {  # rows NAME: rows the run committed
  local q="SELECT count(*) FROM registrations" db="$work/db/peer.db"
  [[ "$1" == tannha ]] && q="SELECT count(*) FROM requests" db="$work/db/tannha.db"
  sqlite3 "$db" "$q" 2>/dev/null || echo "?"
}
wait_replies() {  # wait_replies BASE COUNT: until COUNT more replies arrived, or none for 5 s
  local base="$1" want="$2" d last=-1 still=0
  for _ in $(seq 1200); do
    d="$(delivered)"
    (( d - base >= want )) && return 0
    if (( d == last )); then still=$((still + 1)); (( still >= 100 )) && break; else still=0; last=$d; fi
    sleep 0.05
  done
  echo "bench-peers: only $((d - base)) of $want replies arrived" >&2
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-peers: $runs run(s) of ${seconds}s per bot and load, $conns connections, load average at start $load_start"
: > "$work/raw"
# Runs take turns between the bots (tannha, grammy, ptb, tannha, …) so that a busy spell of a
# shared machine does not fall on one bot's runs only.
for load in $loads; do
  for r in $(seq "$runs"); do
    for bot in $bots; do
      platform=telegram path=/
      [[ "$bot" == tannha ]] && platform=zalo path=/webhook
      start_bot "$bot"
      sleep 0.5
      # Warm-up, not counted: 1 s spread over 64 groups (Node's JIT, connections, caches), as
      # a long-running bot would be; then its replies are waited for.
      dw="$(delivered)"
      wrk -t2 -c"$conns" -d1s -s "$peers/updates.lua" "http://127.0.0.1:$bot_port$path" \
        -- "$platform" "w$r" 64 > "$work/wrk.out" 2>&1 || true
      warm="$(grep '^wrk_result' "$work/wrk.out" | field requests || true)"
      wait_replies "$dw" "${warm:-0}"
      sleep 0.3  # the replies of requests wrk left open
      d0="$(delivered)"
      c0="$(cpu_ticks "$bot_pid")"
      t0="$(now)"
      wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$peers/updates.lua" "http://127.0.0.1:$bot_port$path" \
        -- "$platform" "r$r" "$load" > "$work/wrk.out" 2>&1 || true
      line="$(grep '^wrk_result' "$work/wrk.out" || true)"
      [[ -n "$line" ]] || { cat "$work/wrk.out" >&2; echo "bench-peers: wrk failed" >&2; exit 1; }
      n="$(field requests <<< "$line")"
      wait_replies "$d0" "$n"
      got=$(( $(delivered) - d0 ))
      last="$(tail -1 "$replies_log")"
      c1="$(cpu_ticks "$bot_pid")"
      hwm="$(kb "$bot_pid" VmHWM)"
      stop_bot
      committed="$(rows "$bot")"
      replies_s="$(awk -v n="$got" -v a="$t0" -v b="$last" 'BEGIN {printf "%.0f", (b > a ? n / (b - a) : 0)}')"
      cpu_us="$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$got" 'BEGIN {printf "%.0f", (n > 0 ? (b - a) / hz * 1e6 / n : 0)}')"
      p99="$(field p99_us <<< "$line")"; p50="$(field p50_us <<< "$line")"
      errors="$(field errors <<< "$line")"; non2xx="$(field non2xx <<< "$line")"
      echo "$load $bot $r $replies_s $p50 $p99 $hwm $cpu_us $n $got $committed $errors $non2xx ${warm:-0}" >> "$work/raw"
      echo "bench-peers: $bot, $load group(s), run $r: $got replies for $n updates ($committed rows," \
           "$errors errors, $non2xx non-2xx): replies/s $replies_s, p50 ${p50}us p99 ${p99}us," \
           "peak RSS ${hwm} kB, CPU ${cpu_us} us per reply"
    done
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the table: medians over the runs (peak RSS: the largest)
med() { awk -v l="$1" -v b="$2" -v c="$3" '$1==l && $2==b {print $c}' "$work/raw" | median; }
runs_of() { awk -v l="$1" -v b="$2" -v c="$3" '$1==l && $2==b {printf "%s%s", (n++ ? ", " : ""), $c}' "$work/raw"; }
peak() { awk -v l="$1" -v b="$2" '$1==l && $2==b {m = ($7 > m ? $7 : m)} END {printf "%.1f", m / 1024}' "$work/raw"; }
sum() { awk -v l="$1" -v b="$2" -v c="$3" '$1==l && $2==b {s += $c} END {print s + 0}' "$work/raw"; }
label() { case "$1" in tannha) echo "Tận Nhà";; grammy) echo "grammY + better-sqlite3";; ptb) echo "python-telegram-bot 13";; esac; }
# Every answered update committed: in each run, at least as many rows as webhook answers
# (the warm-up's included).
all_committed() { awk -v l="$1" -v b="$2" '$1==l && $2==b && !($11 >= $9 + $14) {bad = 1} END {print (bad ? "NO" : "yes")}' "$work/raw"; }
table="| load | bot | replies delivered / s (median; runs) | webhook p99 | peak RSS | CPU per reply | updates / replies / rows (all runs) | rows ≥ answers, every run |
| --- | --- | --- | --- | --- | --- | --- | --- |"
ratios=""
for load in $loads; do
  best="" best_v=0
  for bot in $bots; do
    v="$(med "$load" "$bot" 4)"
    table+="
| $load group$([[ $load == 1 ]] || echo s) | $(label "$bot") | $(printf %.0f "$v") ($(runs_of "$load" "$bot" 4)) | $(awk -v v="$(med "$load" "$bot" 6)" 'BEGIN {printf "%.2f", v / 1000}') ms | $(peak "$load" "$bot") MB | $(printf %.0f "$(med "$load" "$bot" 8)") µs | $(sum "$load" "$bot" 9) / $(sum "$load" "$bot" 10) / $(sum "$load" "$bot" 11) | $(all_committed "$load" "$bot") |"
    if [[ "$bot" != tannha ]] && awk -v a="$v" -v b="$best_v" 'BEGIN {exit !(a > b)}'; then best="$bot" best_v="$v"; fi
  done
  if [[ " $bots " == *" tannha "* && -n "$best" ]]; then
    ours="$(med "$load" tannha 4)"
    ratio="$(awk -v a="$ours" -v b="$best_v" 'BEGIN {printf "%.2f", a / b}')"
    cpu_ratio="$(awk -v a="$(med "$load" tannha 8)" -v b="$(med "$load" "$best" 8)" 'BEGIN {printf "%.2f", (a > 0 ? b / a : 0)}')"
    # Issue 18's goal on the 64-group load; one group is bounded by the platform (≈ 20 a minute).
    goal="no goal: a platform allows ≈ 20 messages a minute in one group"
    (( load > 1 )) && goal="goal ≥ 10× — $(awk -v r="$ratio" 'BEGIN {print (r >= 10 ? "met" : "NOT met")}')"
    table+="
| $load group$([[ $load == 1 ]] || echo s) | **Tận Nhà ÷ $(label "$best")** (the faster peer) | **$ratio×** ($goal) | | | $(label "$best") spends ${cpu_ratio}× Tận Nhà's CPU per reply | | |"
    ratios+="$load:$ratio "
  fi
done

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
mem="$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
versions="nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///'); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); Node $(node -v); grammY $(node -p "require('$peers/grammy/node_modules/grammy/package.json').version"); better-sqlite3 $(node -p "require('$peers/grammy/node_modules/better-sqlite3/package.json').version"); Python $("$python" -c 'import platform; print(platform.python_version())'); python-telegram-bot $("$python" -W ignore -c 'import telegram; print(telegram.__version__)')"
machine="nproc $(nproc); $cpu; $mem RAM; Linux $(uname -r); $(c++ --version | head -1); SQLite $(sqlite3 --version | cut -d' ' -f1)"
rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "$machine"
echo "$table"

section="<!-- make bench-peers: begin -->
## Peers, side by side (\`make bench-peers\`)

Written by \`make bench-peers\` (bench/peers/run.sh) on $(date -u +"%Y-%m-%d %H:%M UTC"), commit $rev.

**Machine:** $machine. $versions.
Load average before / after: $load_start / $load_end (on a shared machine the throughput
figures are noisy; CPU time per reply, from /proc/PID/stat, is the steadier comparison).
Each figure is the median of $runs runs of ${seconds} s (peak RSS: the largest VmHWM).

**Setup:** one fake platform API for all three, nginx on loopback: every \`sendMessage\` gets
a fixed ok answer and one access-log line; **replies delivered / s** = those lines ÷ (time of
the last one − start of wrk), not webhook answers. wrk, 2 threads × $conns connections,
bench/peers/updates.lua: every update unique, carrying the same complete \`/dangky\` form, in
each bot's platform shape (Zalo for Tận Nhà, Telegram for the peers). Each bot parses the form,
commits one SQLite row (WAL, synchronous=NORMAL for all three) before answering the webhook,
and replies in the group through \`sendMessage\`. Loads: every update in **one** group, and
spread over **64** groups (Tận Nhà: 64 units, each with its group; relay limits set high as
in \`make bench\`, relay.max_in_flight = 32).
- **Tận Nhà**: the release binary, zalo platform; it answers the webhook after the commit and
  its relay sends the reply afterwards, keeping each chat's replies in order (one send in
  flight per chat). On the one-group load every registration also lands on the same visit
  day of one unit (the harness gives each unit a capacity of 10,000), so counting that day's
  bookings grows through the run: that count, not the relay, takes most of the server's time
  there (bench/NOTES.md, "Peers").
- **grammY**: bench/peers/grammy/bot.js, \`webhookCallback(bot, \"http\")\` on node:http,
  better-sqlite3 insert, \`ctx.reply\`; the reply is sent before the webhook answer.
- **python-telegram-bot**: bench/peers/ptb/bot.py, Debian's PTB 13 on /usr/bin/python3, the
  custom-webhook pattern (\`Dispatcher.process_update\` in a ThreadingHTTPServer handler), since
  PTB 13's own webhook answers before the handler runs; sqlite3 commit, \`bot.send_message\`.
- Each run starts a fresh bot and database, warms it for 1 s (updates over 64 groups, not
  counted; its replies are waited for), then measures; runs take turns between the bots.
- Updates / replies / rows: webhook requests wrk completed, sendMessage calls nginx logged
  (both without the warm-up), rows in the bot's database after the run (with it); summed
  over the runs. Replies exceed updates by the requests still open when wrk stopped
  (processed, but not counted by wrk).
- Webhook p99 is wrk's, $conns connections, closed loop. The peers' includes their sendMessage
  round trip (they reply before answering); Tận Nhà's does not (its relay replies after).

$table

Raw runs (load bot run replies_s p50_us p99_us hwm_kB cpu_us_per_reply updates replies rows errors non2xx warmup_updates):
\`\`\`
$(cat "$work/raw")
\`\`\`
<!-- make bench-peers: end -->"

results="$root/bench/RESULTS.md"
[[ -f "$results" ]] || printf '# Benchmark results\n' > "$results"
SECTION="$section" "$python" - "$results" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
section = os.environ["SECTION"]
pattern = re.compile(r"<!-- make bench-peers: begin -->.*?<!-- make bench-peers: end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda m: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo
echo "bench-peers: written to bench/RESULTS.md (ratios Tận Nhà / faster peer: $ratios)"
