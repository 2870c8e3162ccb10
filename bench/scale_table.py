#!/usr/bin/env python3
"""The table of bench/scale.sh: one column per database size, from WORK/scale-N.tsv."""
import sys


def read(path):
    rows, other = {}, {}
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "row":
            rows[f[1]] = [float(x) for x in f[3:7]]
        elif f[0] in ("tick", "server", "size"):
            other[f[0]] = f[1:]
    return rows, other


def main():
    work, sizes = sys.argv[1], sys.argv[2:]
    # A size not measured yet (SCALE_SIZES left it out, and no earlier run did) shows as "—".
    data = {}
    for n in sizes:
        try:
            data[n] = read(f"{work}/scale-{n}.tsv")
        except FileNotFoundError:
            data[n] = ({}, {})
    names = []
    for n in sizes:
        for k in data[n][0]:
            if k not in names:
                names.append(k)
    goal = {"/dangky": "", "/xeplich": ""}
    head = "| figure | " + " | ".join(f"{int(n):,} requests" for n in sizes) + " | goal |"
    out = [head, "|" + " --- |" * (len(sizes) + 2)]

    def cell(n, f):
        try:
            return f(data[n])
        except (KeyError, IndexError, ValueError):
            return "—"

    for k in names:
        out.append(f"| {k}: p50 / p99 ms (CPU p50 / p99) | " + " | ".join(
            cell(n, lambda d: "{:.2f} / {:.2f} ({:.2f} / {:.2f})".format(*d[0][k])) for n in sizes) + f" | {goal.get(k, '')} |")

    def tick(d):
        s, cpu, runs, posts = d[1]["tick"]
        return f"{float(s):.2f} s (CPU {float(cpu):.2f} s; {runs} briefs built, {posts} with news posted)"
    out.append("| 07:00 tick, all 3,321 units (every brief built and queued) | " +
               " | ".join(cell(n, tick) for n in sizes) + " | < 10 s |")
    out.append("| start-up of `tannha serve` to the first 200 on /healthz | " +
               " | ".join(cell(n, lambda d: f"{int(d[1]['server'][0])} ms") for n in sizes) + " | < 1 s (item 3) |")
    out.append("| RSS with 3,321 units loaded, idle / peak under the load (VmHWM) | " +
               " | ".join(cell(n, lambda d: f"{int(d[1]['server'][1]) / 1024:.1f} / {int(d[1]['server'][2]) / 1024:.1f} MB")
                          for n in sizes) + " | < 64 MB |")
    out.append("| webhook p50 / p99 at 1,000 updates/s over 3,321 units (achieved rate, errors) | " +
               " | ".join(cell(n, lambda d: f"{float(d[1]['server'][3]):.2f} / {float(d[1]['server'][4]):.2f} ms "
                                            f"({float(d[1]['server'][5]):.0f}/s, {d[1]['server'][6]})") for n in sizes) +
               " | p99 < 5 ms |")
    out.append("| database size (bytes a request) | " +
               " | ".join(cell(n, lambda d: f"{int(d[1]['size'][0]) / 1048576:,.0f} MiB ({int(d[1]['size'][0]) // int(n):,})")
                          for n in sizes) + " | |")
    out.append("| generation time (bench_gen_national) | " +
               " | ".join(cell(n, lambda d: f"{float(d[1]['size'][1]):.0f} s" if d[1]['size'][1] else "cached") for n in sizes) +
               " | minutes |")
    print("\n".join(out))


main()
