"""Benchmark: ``python -m analytics report`` against a bare DuckDB script.

Run from the repository root::

    python tests/benchmarks/bench_report.py [--customers 100000] [--runs 3]

It generates the sample dataset at scale once (into ``bench-data/``, never committed),
then times, as fresh processes and alternately, (a) the reference: a bare DuckDB script
that reads the same files and does the same per-customer aggregation, fetching the
result into pandas; (b) the full ``report`` command: validation, loading, aggregation,
costing, whale curve, quadrants and the output files. Wall time is the median of the
runs; peak memory is the largest resident set of each process (``wait4``). Results go to
stdout and ``tests/benchmarks/out/report.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_measured  # noqa: E402  (a sibling module of this script)

OUT = ROOT / "tests" / "benchmarks" / "out"

REFERENCE = r"""
import sys, duckdb
folder = sys.argv[1]
con = duckdb.connect()
lines = con.execute(
    "SELECT customer_id, sum(list_revenue) AS list_revenue, sum(net_revenue) AS net_revenue, "
    "sum(cogs) AS cogs, count(*) AS invoice_lines, count(DISTINCT order_id) AS orders, "
    "sum(quantity) AS units, min(date) AS first_date, max(date) AS last_date "
    "FROM read_csv(?) GROUP BY customer_id", [folder + "/transactions.csv"]).df()
activity = con.execute(
    "SELECT customer_id, activity, sum(quantity) AS quantity FROM read_csv(?) "
    "GROUP BY customer_id, activity", [folder + "/activities.csv"]).df()
customers = con.execute("SELECT * FROM read_csv(?)", [folder + "/customers.csv"]).df()
rates = con.execute("SELECT * FROM read_csv(?)", [folder + "/rates.csv"]).df()
resources = con.execute("SELECT * FROM read_csv(?)", [folder + "/resources.csv"]).df()
print(len(lines), len(activity), len(customers))
"""


def ensure_data(folder: Path, customers: int, seed: int) -> dict:
    marker = folder / "rows.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("customers") == customers and info.get("seed") == seed:
            return info
    print(f"generating {customers:,} customers into {folder} ...", flush=True)
    seconds, _, peak, _ = run_measured([
        sys.executable, "-m", "analytics", "sample", str(folder),
        "--customers", str(customers), "--seed", str(seed),
    ])
    import csv

    rows = {}
    for table in ("transactions", "activities", "customers"):
        with (folder / f"{table}.csv").open(newline="") as handle:
            rows[table] = sum(1 for _ in csv.reader(handle)) - 1
    info = {"customers": customers, "seed": seed, "rows": rows,
            "generate_seconds": round(seconds, 1),
            "generate_peak_mib": round(peak)}
    marker.write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    args = parser.parse_args()

    folder = args.data / f"sample-{args.customers}"
    folder.mkdir(parents=True, exist_ok=True)
    info = ensure_data(folder, args.customers, args.seed)
    size_mib = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    print(f"dataset: {info['rows']} ({size_mib:,.0f} MiB of CSV)", flush=True)

    reference_cmd = [sys.executable, "-c", REFERENCE, str(folder)]
    report_out = args.data / "report-out"
    report_cmd = [sys.executable, "-m", "analytics", "report", str(folder),
                  "--out", str(report_out)]
    timings: dict[str, list[tuple[float, float]]] = {"reference": [], "report": []}
    for number in range(args.runs):
        for name, command in (("reference", reference_cmd), ("report", report_cmd)):
            seconds, _, peak, _ = run_measured(command)
            timings[name].append((seconds, peak))
            print(f"run {number + 1}: {name:9s} {seconds:6.2f} s  peak {peak:7,.0f} MiB",
                  flush=True)

    result = {"dataset": info, "csv_mib": round(size_mib), "cpu_count": os.cpu_count()}
    for name, values in timings.items():
        result[name] = {
            "median_seconds": round(statistics.median(v[0] for v in values), 2),
            "peak_mib": round(max(v[1] for v in values)),
            "runs": [[round(s, 2), round(m)] for s, m in values],
        }
    result["ratio"] = round(result["report"]["median_seconds"]
                            / result["reference"]["median_seconds"], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"\nreport {result['report']['median_seconds']} s vs bare DuckDB "
        f"{result['reference']['median_seconds']} s: ratio {result['ratio']} (target <= 2.0); "
        f"report peak memory {result['report']['peak_mib']:,} MiB (target < 3,072 MiB)"
    )


if __name__ == "__main__":
    main()
