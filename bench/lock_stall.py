#!/usr/bin/env python3
"""The external-write-lock fault (issue 16): how long /healthz and the webhook stall while
another process holds the database's write lock.

Starts `BINARY serve` on loopback with a throw-away database, probes /healthz every 20 ms and
posts an update every 50 ms, holds BEGIN IMMEDIATE from this process for --seconds, and prints
the slowest answers seen during the lock. Run it against two builds to compare:

    python3 bench/lock_stall.py --binary build/tannha --seconds 10
"""
import argparse
import http.client
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import time

CONFIG = """[server]
listen = "127.0.0.1:0"
[platform]
kind = "zalo"
api_base = "http://127.0.0.1:9"
token = "TESTTOKEN"
webhook_secret = "bi-mat"
[storage]
path = "{db}"
[[units]]
id = "binhgiang"
name = "Xã Bình Giang"
chat_id = "a1b2c3d4e5f60718293a"
admins = ["6ede9afa66b88fe6d6a9"]
villages = ["Đông Hải"]
visit_days = ["Thứ Bảy"]
cutoff_day = "Thứ Năm"
cutoff_time = "17:00"
capacity = 10
"""


def update(i):
    return json.dumps({"event_name": "message.text.received",
                       "message": {"from": {"id": "u%d" % i, "display_name": "Hoa"},
                                   "chat": {"id": "a1b2c3d4e5f60718293a", "chat_type": "GROUP"},
                                   "text": "cảm ơn", "message_id": "stall-%d" % i, "date": 1764377131999}})


def call(port, method, path, body=None, headers=None):
    start = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        status = c.getresponse().status
        c.close()
    except OSError:
        status = 0
    return status, (time.monotonic() - start) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "tannha.db")
        cfg = os.path.join(d, "config.toml")
        with open(cfg, "w") as f:
            f.write(CONFIG.format(db=db))
        proc = subprocess.Popen([args.binary, "serve", "--config", cfg], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        port = None
        for line in proc.stderr:
            m = re.search(r"event=listening.*port=(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
        locked = threading.Event()
        done = threading.Event()
        health, posts = [], []

        def prober():
            while not done.is_set():
                during = locked.is_set()  # counted when it began during the lock
                s, ms = call(port, "GET", "/healthz")
                if during:
                    health.append((s, ms))
                time.sleep(0.02)

        def poster():
            i = 0
            while not done.is_set():
                during = locked.is_set()
                s, ms = call(port, "POST", "/webhook", update(i),
                             {"X-Bot-Api-Secret-Token": "bi-mat", "Content-Type": "application/json"})
                if during:
                    posts.append((s, ms))
                i += 1
                time.sleep(0.05)

        threads = [threading.Thread(target=prober), threading.Thread(target=poster)]
        for t in threads:
            t.start()
        time.sleep(1)
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(args.seconds)
        locked.clear()
        other.execute("ROLLBACK")
        time.sleep(1)
        done.set()
        for t in threads:
            t.join()
        proc.terminate()
        proc.wait(timeout=20)
        codes = {}
        for s, _ in posts:
            codes[s] = codes.get(s, 0) + 1
        print("binary=%s lock=%.0fs healthz_probes=%d healthz_max_ms=%.0f update_posts=%d update_max_ms=%.0f "
              "update_codes=%s" % (args.binary, args.seconds, len(health), max((ms for _, ms in health), default=0),
                                   len(posts), max((ms for _, ms in posts), default=0), codes))


if __name__ == "__main__":
    main()
