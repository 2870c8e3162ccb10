#!/usr/bin/env bash
# The web pages in a real browser (issue 17), run by ctest as web_browser: starts `tannha serve`
# (console platform) on a seeded database, asks for a /web link through the webhook as a leader
# would in private chat, opens it in Debian's headless chromium, then every page at 360 px and
# 1280 px wide. Checks what a person sees (the page's text, the chart, no console error), writes
# a screenshot of each page at both widths to OUT_DIR, and prints each page's server time at the
# seeded size (median of 100 requests).
# Usage: tests/web/browser_test.sh TANNHA_BINARY SOURCE_DIR OUT_DIR
# Exits 77 (skipped) when chromium is not installed (scripts/install-deps.sh installs it).
set -uo pipefail

bin=$1 src=$2 out=$3
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "chromium is not installed (scripts/install-deps.sh): skipped"
  exit 77
fi
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing"; exit 1; }
command -v curl >/dev/null || { echo "curl is missing"; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A free port: the machine may run other servers, so a port in use means another try.
base=""
for attempt in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 20000))
  cat >"$work/config.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
[platform]
kind = "console"
webhook_secret = "browser-test-secret"
[storage]
path = "$work/tannha.db"
[web]
session_hours = 12
[[units]]
id = "binhgiang"
name = "Xã Bình Giang"
chat_id = "group-bg"
admins = ["leader-1"]
villages = ["Đông Hải", "Tây Sơn", "Bắc Hà", "Thượng Lâm"]
TOML
  "$bin" serve --config "$work/config.toml" >"$work/stdout.log" 2>"$work/stderr.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then base="http://127.0.0.1:$port"; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  # Another server may answer on a port ours could not take: ours must still be running.
  sleep 0.5
  kill -0 "$server_pid" 2>/dev/null || base=""
  [[ -n $base ]] && break
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
  rm -f "$work"/tannha.db*
done
[[ -n $base ]] || { echo "the server did not start"; cat "$work/stderr.log"; exit 1; }
sqlite3 "$work/tannha.db" <"$src/tests/web/seed.sql" || { echo "seeding failed"; exit 1; }

# /web in private chat, as the platform would deliver it; the reply is printed by the console sender.
curl -fsS "$base/webhook" -H 'Content-Type: application/json' -H 'X-Bot-Api-Secret-Token: browser-test-secret' --data-binary @- >/dev/null <<JSON || fail "webhook"
{"event_name":"message.text.received","message":{"from":{"id":"leader-1","display_name":"Lãnh đạo","is_bot":false},
 "chat":{"id":"leader-1","chat_type":"PRIVATE"},"text":"/web","message_id":"web-1","date":$(date +%s)000}}
JSON
link=""
for _ in $(seq 1 100); do
  link=$(grep -o "$base/web/login?t=[0-9a-f]*" "$work/stdout.log" | head -n1)
  [[ -n $link ]] && break
  sleep 0.1
done
[[ -n $link ]] || { echo "no /web link in the bot's reply"; cat "$work/stdout.log"; exit 1; }

profile="$work/profile"
run_browser() {  # run_browser WIDTH ARGS... : headless chromium with the shared profile (cookies)
  local width=$1
  shift
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --user-data-dir="$profile" --hide-scrollbars --window-size="$width,1800" --enable-logging=stderr --v=0 "$@"
}

# The login link: redirected to the overview with the session cookie.
dom=$(run_browser 1280 --dump-dom "$link" 2>"$work/login.err")
grep -q "Xã Bình Giang — tổng quan" <<<"$dom" || fail "the login link does not open the overview"
# A second use is refused with the way to a new link.
again=$(curl -s -o "$work/again.html" -w '%{http_code}' "$link")
[[ $again == 4* ]] || fail "a second use of the link answered $again"
grep -q "đã được dùng" "$work/again.html" || fail "a second use does not say the link was used"

# page name, path, a text the page must show, whether it has a chart
pages=(
  "tongquan|/web/|hồ sơ đang mở|chart"
  "lich|/web/lich|Lịch đến nhà|"
  "hoso|/web/hoso|Người dân|"
  "hoso-chitiet|/web/hoso/42|Diễn biến|"
  "baocao|/web/baocao|trả đúng hạn|chart"
  "thanhvien|/web/thanhvien|Lãnh đạo|"
  "congkhai|/cong-khai/binhgiang|Người dân đã được phục vụ|"
)
for entry in "${pages[@]}"; do
  IFS='|' read -r name path text chart <<<"$entry"
  for width in 360 1280; do
    dom=$(run_browser "$width" --dump-dom "$base$path" 2>"$work/$name-$width.err")
    grep -q "$text" <<<"$dom" || fail "$path at $width px does not show \"$text\""
    grep -q "Cần đăng nhập" <<<"$dom" && fail "$path at $width px asks to log in"
    if [[ -n $chart ]]; then grep -q "<svg" <<<"$dom" || fail "$path has no chart"; fi
    if grep -E "CONSOLE|Refused to|Content Security Policy" "$work/$name-$width.err" >/dev/null; then
      fail "$path at $width px: console errors"
      grep -E "CONSOLE|Refused to|Content Security Policy" "$work/$name-$width.err" | head -n5
    fi
    run_browser "$width" --screenshot="$out/$name-$width.png" "$base$path" >/dev/null 2>&1
    [[ -s $out/$name-$width.png ]] || fail "no screenshot of $path at $width px"
  done
done

# Each page's server time at the seeded size: the median of 100 requests (time to first byte
# after the request was sent). Only with TANNHA_WEB_TIMING=1: it adds a minute to make test.
if [[ ${TANNHA_WEB_TIMING:-0} == 1 ]]; then
# A session of its own for curl: a fresh link, opened by curl.
curl -fsS "$base/webhook" -H 'Content-Type: application/json' -H 'X-Bot-Api-Secret-Token: browser-test-secret' --data-binary @- >/dev/null <<JSON
{"event_name":"message.text.received","message":{"from":{"id":"leader-1","display_name":"Lãnh đạo","is_bot":false},
 "chat":{"id":"leader-1","chat_type":"PRIVATE"},"text":"/web","message_id":"web-2","date":$(date +%s)000}}
JSON
link2=""
for _ in $(seq 1 100); do
  link2=$(grep -o "$base/web/login?t=[0-9a-f]*" "$work/stdout.log" | sed -n 2p)
  [[ -n $link2 ]] && break
  sleep 0.1
done
cookie=$(curl -s -D - -o /dev/null "$link2" | sed -n 's/^Set-Cookie: \(tn_phien=[0-9a-f]*\).*/\1/ip' | tr -d '\r')
[[ -n $cookie ]] || fail "no session cookie for the timing"
echo "server time per page, median of 100 requests (600 requests seeded):"
for entry in "${pages[@]}"; do
  IFS='|' read -r name path text chart <<<"$entry"
  median=$(for _ in $(seq 1 100); do
    curl -s -o /dev/null -H "Cookie: $cookie" -w '%{time_starttransfer} %{time_pretransfer}\n' "$base$path"
  done | awk '{ printf "%.2f\n", ($1 - $2) * 1000 }' | sort -n | sed -n 50p)
  printf '  %-28s %6s ms\n' "$path" "$median"
done
fi

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "web pages in chromium: ok (screenshots in $out)"
