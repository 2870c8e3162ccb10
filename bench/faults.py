#!/usr/bin/env python3
"""The fault matrix of issue 16 as repeatable checks, each printing one figure line.

Usage: bench/faults.py BUILD_DIR [--only NAME[,NAME...]] [--before BINARY]

Each fault starts the real server (`BUILD_DIR/tannha serve`, zalo platform) on a fresh
database in a temporary directory, with a fake Bot API served from this script, and prints
`fault=NAME ... result=PASS|FAIL|SKIP` (what it measured on the line). Faults (a few seconds
each, light on the CPU):

  bad_bodies    malformed, truncated, oversized, wrongly typed and non-HTTP bodies
  secret_timing 401 latency when the wrong secret differs in its first or its last byte
  dup50         one update posted by 50 connections at once: stored once, one reply
  api_down      the API refuses connections for 3 s, then comes back
  api_hang      the API accepts and never answers for 4 s (send timeout 1 s), then answers
  api_429       the API answers 429 retry_after=1 for 12 s (more than max_attempts tries)
  kill9         BUILD_DIR/bench/bench_crash --kills 3 (kill -9 under a registration burst
                while replies are being sent; duplicates must stay within max_in_flight)
  kill9_send    kill -9 three times while the relay sends a backlog of 3,000 messages to 40
                chats: every one delivered, duplicates at most kills x max_in_flight (8)
  ext_lock      another process holds the write lock for 6 s: /healthz latency, webhook codes
  disk_full     the database on a 3 MB tmpfs that is then filled (root only; else SKIP)
  corrupt       pages in the middle of the database overwritten, then the server restarted

`--before BINARY` runs the same faults against another build (e.g. main's) for comparison.
Only the Python 3 standard library is used. The kill -9 fault needs the bench tools
(`cmake --build BUILD_DIR --target bench_crash`).
"""
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "faults-secret-0123456789"
TOKEN = "faults-token"
UNITS = 4


def chat(u):
    return "g%d" % u


def admin(u):
    return "a%d" % u


def update_body(run, n):
    """A Zalo group /dangky from unit n % UNITS's leader: one new request, one reply."""
    u = n % UNITS
    text = ("@Tận Nhà /dangky\\nHọ tên: Nguyễn Văn Kiểm %s %d\\nNăm sinh: 1940\\nThôn: Đông Hải"
            "\\nĐịa chỉ: xóm 3\\nĐối tượng: thương binh\\nThủ tục: chứng thực chữ ký") % (run, n)
    return ('{"event_name":"message.text.received","message":{"from":{"id":"%s","display_name":"Lãnh đạo",'
            '"is_bot":false},"chat":{"id":"%s","chat_type":"GROUP"},"text":"%s","message_id":"m-%s-%d",'
            '"date":1764377131602}}') % (admin(u), chat(u), text, run, n)


# ---------------------------------------------------------------------------------------------
# the fake Bot API


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request (kill -9) is expected here


class FakeApi:
    """sendMessage answers by mode: ok, 429 (retry_after=1), hang (no answer), down (closed)."""

    def __init__(self):
        self.mode = "ok"
        self.bodies = []
        self.lock = threading.Lock()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                if self.path.endswith("/getMe"):
                    # Asked once at each start-up (the bot's names): not a delivery, never counted.
                    out = b'{"ok":true,"result":{"id":"fakebot0000"}}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                mode = api.mode
                if mode == "hang":
                    while api.mode == "hang":
                        time.sleep(0.05)
                    self.close_connection = True
                    return
                if mode == "429":
                    out = b'{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":1}}'
                    self.send_response(429)
                else:
                    with api.lock:
                        api.bodies.append(json.loads(body))
                        mid = len(api.bodies)
                    out = ('{"ok":true,"result":{"message_id":"f%d","date":1764377401000}}' % mid).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self):
        """Stops listening: connections are refused."""
        self.server.shutdown()
        self.server.server_close()

    def up(self):
        """Listens again on the same port."""
        handler = self.server.RequestHandlerClass
        self.server = QuietServer(("127.0.0.1", self.port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def delivered(self):
        with self.lock:
            return len(self.bodies)

    def texts(self):
        with self.lock:
            return [b.get("text", "") for b in self.bodies]

    def close(self):
        try:
            self.down()
        except Exception:
            pass


# ---------------------------------------------------------------------------------------------
# the server


def config_text(db_path, api_port, relay_extra=""):
    s = '[server]\nlisten = "127.0.0.1:0"\nwebhook_path = "/webhook"\n\n'
    s += '[platform]\nkind = "zalo"\napi_base = "http://127.0.0.1:%d"\n' % api_port
    s += 'token = "%s"\nwebhook_secret = "%s"\nbot_name = "Tận Nhà"\n\n' % (TOKEN, SECRET)
    s += '[storage]\npath = "%s"\n\n' % db_path
    s += ("[relay]\nbase_backoff_seconds = 0.2\nmax_backoff_seconds = 1.0\nper_chat_per_second = 1000\n"
          "per_group_per_minute = 60000\nglobal_per_second = 1000\nrequest_timeout_seconds = 1\n" + relay_extra + "\n")
    for u in range(UNITS):
        s += ('[[units]]\nid = "u%d"\nname = "Xã Thử %d"\nchat_id = "%s"\nadmins = ["%s"]\n'
              'villages = ["Đông Hải", "Tây Sơn"]\nvisit_days = ["Thứ Bảy"]\ncapacity = 10000\n\n') % (
                  u, u, chat(u), admin(u))
    return s


class Server:
    def __init__(self, binary, workdir, api_port, db_path=None, relay_extra=""):
        self.binary = binary
        self.dir = workdir
        self.db = db_path or os.path.join(workdir, "tannha.db")
        self.cfg = os.path.join(workdir, "config.toml")
        with open(self.cfg, "w") as f:
            f.write(config_text(self.db, api_port, relay_extra))
        self.proc = None
        self.port = None

    def start(self, timeout=20):
        path = os.path.join(self.dir, "server.log")
        seen = os.path.getsize(path) if os.path.exists(path) else 0  # a restart appends
        self.log = open(path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.cfg], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        end = time.time() + timeout
        while time.time() < end:
            with open(path, "rb") as f:
                f.seek(seen)
                m = re.findall(rb"event=listening.*?port=(\d+)", f.read())
            if m:
                self.port = int(m[-1])
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_text(self):
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")


def post(port, body, secret=SECRET, timeout=15):
    """POST /webhook; the status, or 0 when no answer came."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        c.request("POST", "/webhook", body=body, headers=headers)
        status = c.getresponse().status
        c.close()
        return status
    except Exception:
        return 0


def healthz(port, timeout=5):
    t = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", "/healthz")
        status = c.getresponse().status
        c.close()
    except Exception:
        status = 0
    return status, (time.perf_counter() - t) * 1000


def db_count(db, sql):
    c = sqlite3.connect(db, timeout=30)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


def wait_until(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def line(name, ok, **figures):
    parts = ["fault=%s" % name] + ["%s=%s" % (k, v) for k, v in figures.items()]
    parts.append("result=%s" % ("PASS" if ok is True else ("SKIP" if ok is None else "FAIL")))
    print(" ".join(parts), flush=True)
    return ok is not False


# ---------------------------------------------------------------------------------------------
# the faults


def fault_bad_bodies(ctx):
    api = FakeApi()
    srv = Server(ctx.binary, ctx.newdir(), api.port)
    try:
        if not srv.start():
            return line("bad_bodies", False, error="server did not start")
        good = update_body("bb", 1)
        bodies = ["", "{", "null", "[]", "42", '"text"', good[: len(good) // 2], good.replace('"message"', '"msg"'),
                  good.replace('"text":"', '"text":7,"x":"'), '{"event_name":"message.text.received","message":[]}',
                  "\x00\xff\xfe garbage", "{" * 5000 + "}" * 5000, "x" * (2 * 1024 * 1024),
                  good.replace("m-bb-1", "") , '{"message":{"chat":{"id":{}}}}']
        codes = {}
        for b in bodies:
            s = post(srv.port, b.encode("utf-8", "surrogateescape"))
            codes[s] = codes.get(s, 0) + 1
        # Not HTTP at all.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
            s.sendall(b"\x16\x03\x01 this is not http\r\n\r\n")
            try:
                s.recv(100)
            except Exception:
                pass
        hz, _ = healthz(srv.port)
        stored = db_count(srv.db, "SELECT COUNT(*) FROM processed_updates")
        alive = srv.proc.poll() is None
        ok = alive and hz == 200 and 0 not in codes and 500 not in codes
        summary = ",".join("%s:%d" % (k, v) for k, v in sorted(codes.items()))
        return line("bad_bodies", ok, bodies=len(bodies) + 1, codes=summary, healthz=hz, stored=stored,
                    alive=alive)
    finally:
        srv.stop()
        api.close()


def fault_secret_timing(ctx):
    api = FakeApi()
    srv = Server(ctx.binary, ctx.newdir(), api.port)
    try:
        if not srv.start():
            return line("secret_timing", False, error="server did not start")
        first = "X" + SECRET[1:]
        last = SECRET[:-1] + "X"
        body = update_body("st", 1).encode()
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        times = {"first": [], "last": []}
        codes = set()
        for i in range(600):
            for name, secret in (("first", first), ("last", last)):
                t = time.perf_counter()
                try:
                    conn.request("POST", "/webhook", body=body,
                                 headers={"Content-Type": "application/json", "X-Bot-Api-Secret-Token": secret})
                    r = conn.getresponse()
                    r.read()
                    codes.add(r.status)
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
                except Exception:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
                    continue
                times[name].append((time.perf_counter() - t) * 1e6)
        m_first = statistics.median(times["first"])
        m_last = statistics.median(times["last"])
        diff = m_last - m_first
        # Loopback noise is tens of µs; a byte-by-byte compare would show as a steady gap in the
        # median. Pass when the gap is within 10 % of the median (and every answer was 401).
        ok = codes == {401} and abs(diff) < 0.10 * max(m_first, m_last)
        return line("secret_timing", ok, samples=len(times["first"]), median_first_us="%.0f" % m_first,
                    median_last_us="%.0f" % m_last, diff_us="%.1f" % diff, codes=sorted(codes))
    finally:
        srv.stop()
        api.close()


def fault_dup50(ctx):
    api = FakeApi()
    srv = Server(ctx.binary, ctx.newdir(), api.port)
    try:
        if not srv.start():
            return line("dup50", False, error="server did not start")
        body = update_body("dup", 7).encode()
        codes = []
        barrier = threading.Barrier(50)

        def one():
            barrier.wait()
            codes.append(post(srv.port, body))

        ts = [threading.Thread(target=one) for _ in range(50)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wait_until(lambda: api.delivered() >= 1, 5)
        time.sleep(0.5)
        stored = db_count(srv.db, "SELECT COUNT(*) FROM processed_updates")
        requests = db_count(srv.db, "SELECT COUNT(*) FROM requests")
        replies = api.delivered()
        ok = codes.count(200) == 50 and stored == 1 and requests == 1 and replies == 1
        return line("dup50", ok, answered_200=codes.count(200), stored=stored, requests=requests, replies=replies)
    finally:
        srv.stop()
        api.close()


def burst(port, run, n):
    codes = [post(port, update_body(run, i).encode()) for i in range(n)]
    return codes


def api_fault(ctx, name, during, seconds, n=20, relay_extra=""):
    api = FakeApi()
    srv = Server(ctx.binary, ctx.newdir(), api.port, relay_extra=relay_extra)
    try:
        if not srv.start():
            return line(name, False, error="server did not start")
        during(api)
        t0 = time.time()
        codes = burst(srv.port, name, n)
        hz_ms = []
        while time.time() - t0 < seconds:
            hz_ms.append(healthz(srv.port)[1])
            time.sleep(0.2)
        if name == "api_down":
            api.up()
        api.mode = "ok"
        t_clear = time.time()
        delivered = wait_until(lambda: db_count(srv.db, "SELECT COUNT(*) FROM outbox WHERE state <> 'pending'") >= n, 30)
        catch_up = time.time() - t_clear
        sent = db_count(srv.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
        dead = db_count(srv.db, "SELECT COUNT(*) FROM outbox WHERE state = 'dead'")
        texts = api.texts()
        dups = len(texts) - len(set(texts))
        ok = delivered and codes.count(200) == n and sent == n and dead == 0
        return line(name, ok, updates=n, answered_200=codes.count(200), fault_s=seconds, sent=sent, dead=dead,
                    platform_duplicates=dups, catch_up_s="%.1f" % catch_up,
                    healthz_max_ms="%.0f" % (max(hz_ms) if hz_ms else 0))
    finally:
        srv.stop()
        api.close()


def fault_api_down(ctx):
    return api_fault(ctx, "api_down", lambda api: api.down(), 3)


def fault_api_hang(ctx):
    return api_fault(ctx, "api_hang", lambda api: setattr(api, "mode", "hang"), 4)


def fault_api_429(ctx):
    # 12 s of 429 with retry_after=1: about 12 tries per head, more than max_attempts = 8.
    return api_fault(ctx, "api_429", lambda api: setattr(api, "mode", "429"), 12)


def fault_kill9(ctx):
    crash = os.path.join(ctx.build, "bench", "bench_crash")
    if not os.access(crash, os.X_OK):
        return line("kill9", None, reason="bench_crash not built (cmake --build BUILD --target bench_crash)")
    d = ctx.newdir()
    r = subprocess.run([crash, "--binary", ctx.binary, "--dir", d, "--kills", "3", "--units", "4", "--loaders", "2",
                        "--seed", "16"], capture_output=True, text=True, timeout=300)
    out = r.stdout + r.stderr
    m = re.search(r"answered=\S+.*", out)
    fig = {}
    for key in ("answered", "stored", "replies", "received", "duplicates"):
        mm = re.search(r"\b%s=(\d+)" % key, out)
        if mm:
            fig[key] = mm.group(1)
    return line("kill9", r.returncode == 0 and "crash: PASS" in out, kills=3, max_in_flight=32, **fig)


def fault_kill9_send(ctx):
    """kill -9 while the relay sends a backlog: every row sent, duplicates within max_in_flight."""
    api = FakeApi()
    d = ctx.newdir()
    srv = Server(ctx.binary, d, api.port, relay_extra="max_in_flight = 8\n")
    try:
        if not srv.start():
            return line("kill9_send", False, error="server did not start")
        srv.stop()
        n = 3000
        c = sqlite3.connect(srv.db, timeout=30)
        now = int(time.time())
        c.executemany("INSERT INTO outbox(chat_id, text, created_at, next_attempt_at) VALUES(?, ?, ?, ?)",
                      [("c%d" % (i % 40), "k9-%d" % i, now, now) for i in range(n)])
        c.commit()
        c.close()
        kills = 0
        for _ in range(3):
            if not srv.start():
                return line("kill9_send", False, error="server did not restart")
            wait_until(lambda: api.delivered() > 0, 5)
            time.sleep(0.3)
            srv.proc.kill()  # SIGKILL mid-burst
            srv.proc.wait()
            srv.proc = None
            kills += 1
        srv.start()
        wait_until(lambda: db_count(srv.db, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0, 60)
        sent = db_count(srv.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
        texts = api.texts()
        dups = len(texts) - len(set(texts))
        missing = n - len(set(texts))
        ok = sent == n and missing == 0 and dups <= kills * 8
        return line("kill9_send", ok, backlog=n, kills=kills, sent=sent, received=len(texts), missing=missing,
                    duplicates=dups, allowed=kills * 8)
    finally:
        srv.stop()
        api.close()


def fault_ext_lock(ctx):
    api = FakeApi()
    srv = Server(ctx.binary, ctx.newdir(), api.port)
    try:
        if not srv.start():
            return line("ext_lock", False, error="server did not start")
        post(srv.port, update_body("warm", 0).encode())
        holder = sqlite3.connect(srv.db, timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        hold_s = 6
        t_end = time.time() + hold_s
        hz = []
        codes = {}
        answered = []
        n = [0]

        def sender():
            while time.time() < t_end:
                n[0] += 1
                i = n[0]
                s = post(srv.port, update_body("lock", i).encode(), timeout=20)
                codes[s] = codes.get(s, 0) + 1
                if s == 200:
                    answered.append(i)
                time.sleep(0.1)

        th = threading.Thread(target=sender)
        th.start()
        while time.time() < t_end:
            hz.append(healthz(srv.port, timeout=10))
            time.sleep(0.1)
        holder.execute("ROLLBACK")
        holder.close()
        th.join()
        time.sleep(1)
        stored = db_count(srv.db, "SELECT COUNT(*) FROM processed_updates WHERE update_id LIKE '%m-lock-%'")
        hz_max = max(ms for _, ms in hz)
        hz_codes = sorted({c for c, _ in hz})
        # Issue 16: /healthz within 100 ms throughout, and every update answered 200 stored.
        ok = stored >= len(answered) and hz_max < 100
        summary = ",".join("%s:%d" % (k, v) for k, v in sorted(codes.items()))
        return line("ext_lock", ok, lock_s=hold_s, healthz_max_ms="%.0f" % hz_max, healthz_codes=hz_codes,
                    webhook_codes=summary, answered_200=len(answered), stored=stored)
    finally:
        srv.stop()
        api.close()


def fault_disk_full(ctx):
    if os.geteuid() != 0:
        return line("disk_full", None, reason="not root (needs a tmpfs mount)")
    mnt = ctx.newdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt], capture_output=True).returncode != 0:
        return line("disk_full", None, reason="mount -t tmpfs failed (no CAP_SYS_ADMIN?)")
    api = FakeApi()
    d = ctx.newdir()
    srv = Server(ctx.binary, d, api.port, db_path=os.path.join(mnt, "tannha.db"))
    try:
        if not srv.start():
            return line("disk_full", False, error="server did not start")
        post(srv.port, update_body("warm", 0).encode())
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        n = 20
        full_codes = burst(srv.port, "full", n)
        hz_full, _ = healthz(srv.port)
        os.remove(filler)
        time.sleep(0.5)
        again = burst(srv.port, "full", n)  # the platform redelivers what was not answered 200
        hz_after, _ = healthz(srv.port)
        stored = db_count(srv.db, "SELECT COUNT(*) FROM processed_updates WHERE update_id LIKE '%m-full-%'")
        requests = db_count(srv.db, "SELECT COUNT(*) FROM requests") - 1
        alive = srv.proc.poll() is None
        # Issue 16: /healthz turns 503 while writes fail; afterwards every update is stored once.
        ok = alive and stored == n and requests == n and hz_full == 503
        fc = ",".join("%s:%d" % (k, full_codes.count(k)) for k in sorted(set(full_codes)))
        ac = ",".join("%s:%d" % (k, again.count(k)) for k in sorted(set(again)))
        return line("disk_full", ok, full_codes=fc, healthz_full=hz_full, after_codes=ac, healthz_after=hz_after,
                    stored_once=stored, requests=requests, alive=alive)
    finally:
        srv.stop()
        api.close()
        subprocess.run(["umount", mnt], capture_output=True)


def fault_corrupt(ctx):
    api = FakeApi()
    d = ctx.newdir()
    srv = Server(ctx.binary, d, api.port)
    try:
        if not srv.start():
            return line("corrupt", False, error="server did not start")
        burst(srv.port, "c", 200)
        # Everything in the main file (a checkpoint), then garbage over pages of its second half
        # while the server runs, as a failing disk would.
        c = sqlite3.connect(srv.db, timeout=30)
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        size = os.path.getsize(srv.db)
        with open(srv.db, "r+b") as f:
            for off in range(size // 2, size - 4096, 4096 * 2):
                f.seek(off + 64)
                f.write(os.urandom(1024))
        os.system("sync")
        codes = burst(srv.port, "c2", 20)
        hz_running = healthz(srv.port)[0]
        srv.stop()
        started = srv.start(timeout=10)
        hz_restart = healthz(srv.port)[0] if started else 0
        log = srv.log_text()
        mentions = "quick_check" in log or "malformed" in log or "corrupt" in log
        # Issue 16: /healthz tells the truth (not 200 while writes fail) and a restart refuses
        # the database (quick_check) or reports it unhealthy.
        writes_fail = any(k != 200 for k in codes)
        ok = (not writes_fail or hz_running != 200) and (not started or hz_restart != 200)
        cc = ",".join("%s:%d" % (k, codes.count(k)) for k in sorted(set(codes)))
        return line("corrupt", ok, webhook_codes=cc, healthz_running=hz_running, restarted=started,
                    healthz_restart=hz_restart, log_names_corruption=mentions)
    finally:
        srv.stop()
        api.close()


FAULTS = [("bad_bodies", fault_bad_bodies), ("secret_timing", fault_secret_timing), ("dup50", fault_dup50),
          ("api_down", fault_api_down), ("api_hang", fault_api_hang), ("api_429", fault_api_429),
          ("kill9", fault_kill9), ("kill9_send", fault_kill9_send), ("ext_lock", fault_ext_lock), ("disk_full", fault_disk_full),
          ("corrupt", fault_corrupt)]


class Context:
    def __init__(self, build, binary):
        self.build = build
        self.binary = binary
        self.root = tempfile.mkdtemp(prefix="tannha-faults.")

    def newdir(self):
        return tempfile.mkdtemp(dir=self.root)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    build = os.path.abspath(args[0])
    only = None
    binary = os.path.join(build, "tannha")
    i = 1
    while i < len(args):
        if args[i] == "--only" and i + 1 < len(args):
            only = set(args[i + 1].split(","))
            i += 2
        elif args[i] == "--before" and i + 1 < len(args):
            binary = os.path.abspath(args[i + 1])
            i += 2
        else:
            print("faults: unknown argument %s" % args[i], file=sys.stderr)
            return 2
    if not os.access(binary, os.X_OK):
        print("faults: %s is not built" % binary, file=sys.stderr)
        return 2
    ctx = Context(build, binary)
    failed = 0
    try:
        for name, fn in FAULTS:
            if only and name not in only:
                continue
            try:
                if not fn(ctx):
                    failed += 1
            except Exception as e:  # one fault's harness error does not stop the others
                line(name, False, error=repr(e).replace(" ", "_")[:200])
                failed += 1
    finally:
        shutil.rmtree(ctx.root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
