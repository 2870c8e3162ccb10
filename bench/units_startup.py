#!/usr/bin/env python3
"""Start-up and reload of `tannha serve` with thousands of unit files (issue 18, item 3).

    bench/units_startup.py build/tannha [--count 3321] [--runs 7] [--leaderless 0.0]

Generates a config with --count unit files (bench/gen_units.py) in a temporary folder, runs
`tannha migrate`, then starts `tannha serve` --runs times: each start is timed from the exec to
the first `/healthz` answered 200, with the CPU time the process used by then (utime + stime
from /proc, steadier than wall time on a shared machine). The first start stores every unit in
an empty database; the later ones find them stored. Then, with the server up, one unit file is
added and SIGHUP sent: the reload's own figure (`ms=` of its log line) is reported. Prints the
median of each.
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_units  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def start(binary, config, port, log_path):
    t0 = time.perf_counter()
    log = open(log_path, "w")
    p = subprocess.Popen([binary, "serve", "--config", config], stdout=subprocess.DEVNULL, stderr=log)
    while not healthz(port):
        if p.poll() is not None:
            raise SystemExit(f"tannha serve exited with {p.returncode}; see {log_path}")
        time.sleep(0.002)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(p.pid)
    return p, log, wall, cpu


def stop(p, log):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=300)  # the first start runs the day's posts of every unit before it stops
    log.close()


def wait_for(log_path, needle, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        with open(log_path) as f:
            for line in f:
                if needle in line:
                    return line
        time.sleep(0.01)
    raise SystemExit(f"no '{needle}' in {log_path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--count", type=int, default=3321)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--leaderless", type=float, default=0.0)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    with tempfile.TemporaryDirectory(prefix="tannha-units-") as out:
        config = gen_units.generate(out, a.count, a.leaderless)
        port = free_port()
        text = open(config, encoding="utf-8").read().replace('"127.0.0.1:0"', f'"127.0.0.1:{port}"')
        open(config, "w", encoding="utf-8").write(text)
        subprocess.run([binary, "migrate", "--config", config], check=True, stdout=subprocess.DEVNULL)
        log_path = os.path.join(out, "serve.log")
        walls, cpus = [], []
        for i in range(a.runs):
            p, log, wall, cpu = start(binary, config, port, log_path)
            if i == 0:
                first = (wall, cpu)
            else:
                walls.append(wall)
                cpus.append(cpu)
            if i == a.runs - 1:
                # A reload with every unit in place and one more file dropped in.
                _, text = gen_units.unit_text(a.count + 1, False)
                with open(os.path.join(out, "units.d", "new.toml"), "w", encoding="utf-8") as f:
                    f.write(text)
                p.send_signal(signal.SIGHUP)
                line = wait_for(log_path, "event=config_reload result=ok")
                reload_ms = int(line.split(" ms=")[1].split()[0])
            stop(p, log)
        print(f"units: {a.count} files (leaderless share {a.leaderless})")
        print(f"first start (empty units table): {first[0] * 1000:.0f} ms wall, {first[1] * 1000:.0f} ms CPU")
        if walls:
            print(f"restart, median of {len(walls)}: {statistics.median(walls) * 1000:.0f} ms wall "
                  f"(min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}), "
                  f"{statistics.median(cpus) * 1000:.0f} ms CPU")
        print(f"reload (SIGHUP, one file added): {reload_ms} ms")


if __name__ == "__main__":
    sys.exit(main())
