#!/usr/bin/env python3
"""Writes a config whose units live one per file in a folder, as a province or the whole country
would run it (issue 18, item 3): OUT/config.toml with `[units] dir = "units.d"` and
OUT/units.d/<id>.toml, one per unit (3,321 by default: Vietnam's communes and wards since
July 2025).

    bench/gen_units.py OUT [--count 3321] [--leaderless 0.0] [--db PATH]

--leaderless: the share of units written without `admins` (claimed later with /batdau), which
makes `tannha serve` print a claim code for each at start-up.
"""
import argparse
import os
import sys

PROVINCES = ["Hà Giang", "Lào Cai", "Nghệ An", "Quảng Trị", "Đắk Lắk", "Cà Mau", "An Giang", "Hải Phòng"]
VILLAGE_KINDS = ["Thôn", "Ấp", "Tổ dân phố"]


def unit_text(i, leaderless):
    uid = f"dv{i:05d}"
    kind = "Phường" if i % 3 == 0 else "Xã"
    village_kind = VILLAGE_KINDS[i % len(VILLAGE_KINDS)]
    villages = ", ".join(f'"{village_kind} {k}"' for k in range(1, 9))
    lines = [
        f"# {kind} số {i} ({PROVINCES[i % len(PROVINCES)]}): one unit, one file.",
        f'id = "{uid}"',
        f'name = "{kind} Số {i}"',
        f'chat_id = "g{i:05d}"',
    ]
    if not leaderless:
        lines.append(f'admins = ["lead{i:05d}"]')
    lines += [
        f"villages = [{villages}]",
        'visit_days = ["Thứ Ba", "Thứ Bảy"]',
        'cutoff_day = "Thứ Năm"',
        'cutoff_time = "17:00"',
        f"capacity = {10 + i % 20}",
    ]
    return uid, "\n".join(lines) + "\n"


def generate(out, count=3321, leaderless=0.0, db=None):
    """Writes OUT/config.toml and OUT/units.d/; returns the config's path."""
    units_dir = os.path.join(out, "units.d")
    os.makedirs(units_dir, exist_ok=True)
    every = int(round(1 / leaderless)) if leaderless > 0 else 0
    for i in range(1, count + 1):
        uid, text = unit_text(i, every > 0 and i % every == 0)
        with open(os.path.join(units_dir, uid + ".toml"), "w", encoding="utf-8") as f:
            f.write(text)
    config = os.path.join(out, "config.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(
            "[server]\n"
            'listen = "127.0.0.1:0"\n\n'
            "[platform]\n"
            'kind = "console"\n'
            'webhook_secret = "bi-mat-do-dac"\n\n'
            "[storage]\n"
            f'path = "{db or os.path.join(out, "tannha.db")}"\n\n'
            "[units]\n"
            'dir = "units.d"\n'
        )
    return config


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=3321)
    ap.add_argument("--leaderless", type=float, default=0.0)
    ap.add_argument("--db")
    a = ap.parse_args()
    print(generate(a.out, a.count, a.leaderless, a.db))


if __name__ == "__main__":
    sys.exit(main())
