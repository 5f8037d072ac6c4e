"""Benchmark: a recipe load with six cost drivers against the same load without drivers.

Run from the repository root::

    python tests/benchmarks/bench_drivers.py [--lines 6000000] [--customers 100000] [--runs 3]

Issue 8's target: on the 6-million-line benchmark written as one wide file, a load with
six derived drivers takes at most 1.5x the same load without drivers.

It writes the wide one-file export (``data.wide_sample.write_wide_export``) once into
``bench-data/`` (never committed; reused while lines, customers and seed are the same),
with two recipes over that file, identical but for the drivers: both map
``gross_profit``, ``discount``, ``order_id``, ``quantity`` and ``product_id``, take the
customers' name, segment and region from the same file and give a resource inline; one
adds six drivers (per order, per line, per unit, expedited orders, same-day or first-class
shipments, returns). It then times, as fresh processes and alternately,
``python -m analytics load --recipe RECIPE --db DB`` of each into a fresh DuckDB file.
Wall time is the median of the runs; peak memory is the largest resident set of each
process (``wait4``). CPU time (user + system, also from ``wait4``) is reported beside
it, and the best run of each: on a shared machine they move less than the median wall
time. Results go to stdout and ``tests/benchmarks/out/drivers.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_measured  # noqa: E402  (a sibling module of this script)

OUT = ROOT / "tests" / "benchmarks" / "out"
FILE = "order_lines.csv"

COMMON = f"""
[transactions]
file = "{FILE}"
date_format = "DD/MM/YY"
[transactions.columns]
customer_id = "Customer ID"
date = "Order Date"
net_revenue = "Sales"
gross_profit = "Profit"
discount = "Discount"
order_id = "Order ID"
quantity = "Quantity"
product_id = "Product ID"

[customers]
file = "{FILE}"
[customers.columns]
customer_id = "Customer ID"
name = "Customer Name"
segment = "Segment"
region = "Region"

[[resources]]
resource = "Customer service"
cost = 2000000
capacity = 3000000
"""

DRIVERS = """
[[drivers]]
activity = "Order handling"
per = "order"
resource = "Customer service"
unit_time = 5

[[drivers]]
activity = "Order lines"
per = "line"
resource = "Customer service"
unit_time = 1

[[drivers]]
activity = "Units picked"
per = "unit"
cost_per_unit = 0.15

[[drivers]]
activity = "Expedited order"
per = "order"
where = { "Order Priority" = ["1-URGENT", "2-HIGH"] }
resource = "Customer service"
unit_time = 10

[[drivers]]
activity = "Fast shipment"
per = "order"
where = { "Ship Mode" = ["Same Day", "First Class"] }
cost_per_unit = 35

[[drivers]]
activity = "Return"
per = "line"
where = { "Quantity" = "< 0" }
cost_per_unit = 20
"""

GENERATE = r"""
import json, sys, time
from data.wide_sample import write_wide_export
path, customers, seed, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start = time.perf_counter()
facts = write_wide_export(path, customers=customers, seed=seed, lines=lines)
print(json.dumps({k: facts[k] for k in ("bytes", "lines", "orders", "customers", "returns")}
                 | {"seconds": round(time.perf_counter() - start, 1)}))
"""


def ensure_data(folder: Path, lines: int, customers: int, seed: int) -> dict:
    """The wide file and both recipes in ``folder``, written once for these arguments."""
    marker = folder / "facts.json"
    wanted = {"lines_asked": lines, "customers": customers, "seed": seed}
    if marker.exists() and (folder / FILE).exists():
        info = json.loads(marker.read_text())
        if all(info.get(k) == v for k, v in wanted.items()) and \
                info.get("bytes") == (folder / FILE).stat().st_size:
            return info
    print(f"generating ~{lines:,} lines for {customers:,} customers into {folder} ...",
          flush=True)
    _, _, peak, out = run_measured([sys.executable, "-c", GENERATE, str(folder / FILE),
                                 str(customers), str(seed), str(lines)])
    info = wanted | json.loads(out) | {"generate_peak_mib": round(peak)}
    marker.write_text(json.dumps(info, indent=2) + "\n")
    return info


def write_recipes(folder: Path) -> dict[str, Path]:
    recipes = {"no drivers": folder / "no_drivers.toml",
               "six drivers": folder / "six_drivers.toml"}
    recipes["no drivers"].write_text(COMMON, encoding="utf-8")
    recipes["six drivers"].write_text(COMMON + DRIVERS, encoding="utf-8")
    return recipes


def rows_of(stdout: str, table: str) -> int:
    match = re.search(rf"^{table}: ([\d,]+) rows$", stdout, re.MULTILINE)
    return int(match.group(1).replace(",", "")) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=6_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    args = parser.parse_args()

    folder = args.data / f"wide-{args.lines}-{args.customers}"
    folder.mkdir(parents=True, exist_ok=True)
    info = ensure_data(folder, args.lines, args.customers, args.seed)
    recipes = write_recipes(folder)
    size_mib = info["bytes"] / 2**20
    print(f"wide file: {info['lines']:,} lines, {info['orders']:,} orders, "
          f"{info['customers']:,} customers, {size_mib:,.0f} MiB", flush=True)

    timings: dict[str, list[tuple[float, float, float]]] = {name: [] for name in recipes}
    rows: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-drivers-", dir=args.data) as scratch:
        for number in range(args.runs):
            for name, recipe in recipes.items():
                db = Path(scratch) / f"run{number}-{name.replace(' ', '_')}.duckdb"
                command = [sys.executable, "-m", "analytics", "load", "--recipe", str(recipe),
                           "--db", str(db)]
                seconds, cpu, peak, out = run_measured(command)
                db.unlink()
                db.with_name(db.name + ".wal").unlink(missing_ok=True)
                timings[name].append((seconds, cpu, peak))
                rows[name] = {t: rows_of(out, t) for t in
                              ("transactions", "customers", "activities", "rates")}
                print(f"run {number + 1}: {name:11s} {seconds:6.2f} s  cpu {cpu:6.2f} s  "
                      f"peak {peak:7,.0f} MiB", flush=True)

    result = {"dataset": info, "file_mib": round(size_mib), "cpu_count": os.cpu_count(),
              "rows": rows}
    for name, values in timings.items():
        result[name] = {
            "median_seconds": round(statistics.median(v[0] for v in values), 2),
            "best_seconds": round(min(v[0] for v in values), 2),
            "median_cpu_seconds": round(statistics.median(v[1] for v in values), 2),
            "peak_mib": round(max(v[2] for v in values)),
            "runs": [[round(s, 2), round(c, 2), round(m)] for s, c, m in values],
        }
    result["ratio"] = round(result["six drivers"]["median_seconds"]
                            / result["no drivers"]["median_seconds"], 2)
    result["best_ratio"] = round(result["six drivers"]["best_seconds"]
                                 / result["no drivers"]["best_seconds"], 2)
    result["cpu_ratio"] = round(result["six drivers"]["median_cpu_seconds"]
                                / result["no drivers"]["median_cpu_seconds"], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "drivers.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"\nload with six drivers {result['six drivers']['median_seconds']} s "
        f"(peak {result['six drivers']['peak_mib']:,} MiB) vs without "
        f"{result['no drivers']['median_seconds']} s (peak {result['no drivers']['peak_mib']:,}"
        f" MiB): ratio {result['ratio']} (target <= 1.5); best runs "
        f"{result['six drivers']['best_seconds']} s vs {result['no drivers']['best_seconds']} s"
        f" (ratio {result['best_ratio']}); CPU time ratio {result['cpu_ratio']}; "
        f"{rows['six drivers']['activities']:,} driver activity rows"
    )


if __name__ == "__main__":
    main()
