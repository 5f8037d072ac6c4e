"""Benchmark of the customer-month cube (issue 13, item 1): ``customer_base()`` before
(the line-based queries) and after (the cube), in one run, and the load time the cube
build adds.

Each side runs in a process of its own on a checkout of its code (``git worktree add``),
on its own copy of the store (the "after" copy gets its cube once when opened: that
migration is timed too)::

    git worktree add --detach /tmp/before <commit before the cube>
    git worktree add --detach /tmp/after HEAD
    python tests/benchmarks/bench_cube.py --before /tmp/before --after /tmp/after \\
        --store bench-data/store-100000.duckdb --folder bench-data/sample-100000

Prints a JSON with medians of ``--runs`` rounds per period (each round a fresh process
per side, alternately: a warm-up and one timed call), the first open's time (the "after"
side builds its cube then) and the load times. Never writes to ``--store`` (copied to a
temporary folder first).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIODS = {
    "whole span": (None, None),
    "a year (2024)": ("2024-01-01", "2024-12-31"),
    "partial months (2024-02-15 to 2024-09-10)": ("2024-02-15", "2024-09-10"),
}

CHILD = r"""
import datetime as dt, json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from data import Store
periods = json.loads(sys.argv[3])
runs = int(sys.argv[4])
t0 = time.perf_counter()
store = Store(sys.argv[2])
opened = time.perf_counter() - t0
out = {"open_s": opened}
for name, (start, end) in periods.items():
    start = dt.date.fromisoformat(start) if start else None
    end = dt.date.fromisoformat(end) if end else None
    base = store.customer_base(start, end)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        base = store.customer_base(start, end)
        times.append(time.perf_counter() - t)
    out[name] = {"median_ms": statistics.median(times) * 1000,
                 "runs_ms": [round(x * 1000, 1) for x in times],
                 "customers": len(base.customers),
                 "net_revenue": round(float(base.customers["net_revenue"].sum()), 2)}
store.close()
print(json.dumps(out))
"""


def child(code: Path, db: Path, runs: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(code), str(db), json.dumps(PERIODS), str(runs)],
        capture_output=True, text=True, check=True, cwd=code,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_time(code: Path, folder: Path, db: Path) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analytics", "load", str(folder), "--db", str(db)],
                   capture_output=True, text=True, check=True, cwd=code)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loads", type=int, default=1)
    args = parser.parse_args()
    for name in ("before", "after", "store", "folder"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-cube-") as tmp:
        # Alternately, one process per side and round (a warm-up and one timed call per
        # period each), so a busy moment of the machine weighs on both sides alike.
        copies = {}
        for side in ("before", "after"):
            copies[side] = Path(tmp) / f"{side}.duckdb"
            shutil.copy(args.store, copies[side])
        rounds: dict[str, list[dict]] = {"before": [], "after": []}
        for _ in range(args.runs):
            for side in ("before", "after"):
                rounds[side].append(child(getattr(args, side), copies[side], 1))
                print(side, json.dumps(rounds[side][-1]), file=sys.stderr, flush=True)
        for side in ("before", "after"):
            copies[side].unlink()
            first = rounds[side][0]
            report[side] = {"first_open_s": round(first["open_s"], 2)}  # the migration
            for name in PERIODS:
                times = [r[name]["median_ms"] for r in rounds[side]]
                report[side][name] = {"median_ms": round(statistics.median(times), 1),
                                      "runs_ms": [round(t, 1) for t in times],
                                      "customers": first[name]["customers"],
                                      "net_revenue": first[name]["net_revenue"]}
        if args.folder:
            for side in ("before", "after"):
                times = []
                for i in range(args.loads):
                    db = Path(tmp) / f"load-{side}-{i}.duckdb"
                    times.append(load_time(getattr(args, side), args.folder, db))
                    shutil.rmtree(Path(tmp) / f"load-{side}-{i}.duckdb.versions",
                                  ignore_errors=True)
                    for f in Path(tmp).glob(f"load-{side}-{i}.duckdb*"):
                        if f.is_file():
                            f.unlink()
                report[side]["load_s"] = [round(t, 2) for t in times]
                report[side]["load_median_s"] = round(statistics.median(times), 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
