#!/usr/bin/env python3
"""Where the server's CPU goes, by component, from a `perf record --call-graph dwarf` file
(bench/cpu_per_reply.sh with PERF_OUT=FILE). Usage: bench/perf_breakdown.py PERF_DATA

Each sample is charged to ONE component: the first rule below (in their order) that matches
any frame of its stack, so malloc called by the form parser is "allocation" and SQLite's page
writes during COMMIT are "commit", not "statements". A second table charges
samples top-down to the thread's job (webhook batch, relay marks, HTTP, relay, checkpoint)."""
import re
import subprocess
import sys
from collections import Counter

LEAF_RULES = [
    ("allocation (malloc/free)", r"^(malloc|_int_malloc|_int_free|cfree|free|unlink_chunk|malloc_consolidate|"
                                 r"operator new|operator delete|__libc_malloc|__GI___libc_malloc|__GI___libc_free|tcache)"),
    ("WAL checkpoint thread", r"wal_checkpointer::run"),
    ("SQLite commit (WAL write)", r"^(sqlite3VdbeHalt|sqlite3BtreeCommitPhase|sqlite3PagerCommitPhase|pager_write_pagelist|"
                                  r"sqlite3WalFrames|walWriteToLog)"),
    ("SQLite statements", r"^(sqlite3|pcache|btree|vdbe|walIndex|unixRead|unixWrite|unixSync)"),
    ("Unicode normalise/fold (utf8proc)", r"(utf8proc|to_nfc|map_utf8|fold|code_points|to_valid_utf8)"),
    ("catalog / fuzzy matching", r"tannha::handlers::(match|catalog|suggest|find_)"),
    ("template rendering", r"(kainjow|mustache|renderer::render|to_data)"),
    ("JSON (nlohmann)", r"nlohmann"),
    ("logging", r"(write_line|log::detail|log_info|log_warn|log_error)"),
    ("metrics", r"tannha::bot::metrics::"),
    ("form / command parsing", r"tannha::handlers::(parse_form|parse_command|trim|is_space|split|lower|read_person)"),
    ("HTTP parse (Beast)", r"(basic_parser|http::parser|request_parser|response_parser)"),
    ("HTTP write (Beast serializer)", r"(http::serializer|write_some_op|write_msg_op|write_op)"),
    ("socket syscalls (send/recv/epoll)", r"(sendmsg|recvmsg|epoll|__libc_recv|__libc_send|socket_ops)"),
    ("thread hand-off (futex, wake-ups)", r"(futex|pthread_cond|condition_variable|__schedule|schedule|finish_task_switch)"),
]
JOB_RULES = [
    ("writer: webhook batch, the update's work (savepoint..release)", r"dispatcher::impl::handle_one"),
    ("writer: webhook batch, BEGIN/COMMIT", r"dispatcher::handle_batch"),
    ("writer: webhook batch, logging/metrics/answers", r"(intake::dispatch_all|dispatch_pending)"),
    ("writer: relay marks (mark_many)", r"outbox::mark_many"),
    ("writer: other", r"db_writer::loop"),
    ("WAL checkpoint thread", r"wal_checkpointer::run"),
    ("io: relay (due rows, sendMessage)", r"(tannha::bot::relay::|http_client|http_send)"),
    ("io: HTTP server (read, parse, route, answer)", r"(http_server::session|http_server::listen|route_table|webhook_route)"),
    ("io: other", r"."),
]


def samples(path):
    out = subprocess.run(["perf", "script", "-i", path, "-F", "comm,tid,ip,sym"], capture_output=True, text=True,
                         check=False).stdout
    frames = []
    for line in out.splitlines():
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line[:1] in " \t":
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield frames


def charge(frames, rules):
    for name, rx in rules:
        for f in frames:
            if re.search(rx, f):
                return name
    return "other"


def main():
    by_leaf, by_job, n = Counter(), Counter(), 0
    leaf_rules = [(k, re.compile(v)) for k, v in LEAF_RULES]
    for frames in samples(sys.argv[1]):
        n += 1
        by_leaf[charge(frames, leaf_rules)] += 1
        by_job[charge(frames, JOB_RULES)] += 1
    print(f"{n} samples")
    for title, c in (("component (first match from the sampled frame up)", by_leaf), ("job (top-down)", by_job)):
        print(f"\n| {title} | % |\n| --- | --- |")
        for k, v in c.most_common():
            print(f"| {k} | {100.0 * v / max(1, n):.1f} |")


if __name__ == "__main__":
    main()
