"""Benchmark: ``python -m analytics report`` against a bare DuckDB script.

Run from the repository root::

    python tests/benchmarks/bench_report.py [--dataset sample|tpch] [--customers 100000]
                                            [--runs 5] [--phases]

``--dataset sample`` (the default) generates the sample dataset at scale once;
``--dataset tpch`` maps TPC-H SF1 (``pip install tpchgen-cli``, not a requirement of the
app: the benchmark's set-up only) to the import contract once: 6,001,215 invoice lines
(customer = the order's o_custkey, date = o_orderdate, order_id = l_orderkey, product_id
= l_partkey, quantity = l_quantity, list revenue = l_extendedprice, net revenue =
l_extendedprice x (1 - l_discount), COGS = ps_supplycost x l_quantity), 150,000
customers (c_name, segment = c_mktsegment, region = the nation's region), four activity
kinds per customer and day (orders, order lines, expedited orders: o_orderpriority
1-URGENT or 2-HIGH, returned lines: l_returnflag R) costed by two resources. Both go
into ``bench-data/`` (never committed).

It then times, as fresh processes and alternately, (a) the reference: a bare DuckDB
script that reads the same CSV files and computes the same per-customer P&L (revenue,
COGS, lines, orders, units, dates; activity volumes costed at their rates), fetching
the result into pandas; (b) the full ``report`` command: validation, loading,
aggregation, costing, whale curve, quadrants and the output files. Wall time is the
median of the runs (CPU time, user + system, too); peak memory is the largest resident
set of each process (``wait4``). Results go to stdout and
``tests/benchmarks/out/report[-tpch].json``. ``--phases`` runs one report instead and
prints where its seconds go (imports, staging per file, commit, the customer table's SQL,
the analysis, output files).
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
from measure import code_at, run_measured  # noqa: E402  (a sibling module of this script)

OUT = ROOT / "tests" / "benchmarks" / "out"

REFERENCE = r"""
import sys, duckdb
folder = sys.argv[1]
con = duckdb.connect()
pnl = con.execute(
    "WITH lines AS (SELECT customer_id, sum(list_revenue) AS list_revenue, "
    "sum(net_revenue) AS net_revenue, sum(cogs) AS cogs, count(*) AS invoice_lines, "
    "count(DISTINCT order_id) AS orders, sum(quantity) AS units, min(date) AS first_date, "
    "max(date) AS last_date FROM read_csv($t) GROUP BY customer_id), "
    "rates AS (SELECT r.activity, coalesce(CAST(r.cost_per_unit AS DOUBLE), "
    "s.cost / s.capacity * r.unit_time) AS rate FROM read_csv($r) r "
    "LEFT JOIN read_csv($s) s ON s.resource = r.resource), "
    "served AS (SELECT a.customer_id, sum(a.quantity * rates.rate) AS cost_to_serve "
    "FROM read_csv($a) a JOIN rates USING (activity) GROUP BY a.customer_id) "
    "SELECT c.customer_id, c.name, c.segment, c.region, lines.* EXCLUDE (customer_id), "
    "served.cost_to_serve, lines.net_revenue - lines.cogs - served.cost_to_serve AS profit "
    "FROM read_csv($c) c JOIN lines USING (customer_id) "
    "LEFT JOIN served USING (customer_id)",
    {"t": folder + "/transactions.csv", "a": folder + "/activities.csv",
     "c": folder + "/customers.csv", "r": folder + "/rates.csv",
     "s": folder + "/resources.csv"}).df()
print(len(pnl))
"""

# One report in this process, each phase timed (wall and CPU seconds of the process):
# where the report's seconds go (--phases).
PHASES = r"""
import sys, time
started = (time.perf_counter(), time.process_time())
import analytics.cli as cli
from analytics import analysis, export
from data import catalog, importer, loader, queries
spent = {"imports": (time.perf_counter() - started[0], time.process_time() - started[1])}

def timed(owner, name, label):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            key = label(args) if callable(label) else label
            before = spent.get(key, (0.0, 0.0))
            spent[key] = (before[0] + time.perf_counter() - wall,
                          before[1] + time.process_time() - cpu)
    setattr(owner, name, wrapper)

timed(importer.Importer, "_stage_file", lambda args: f"stage {args[1]}")
timed(importer.Importer, "_cross_checks", "cross-table checks")
timed(loader.LoaderMixin, "commit", "commit (swap in, cube)")
timed(queries.QueriesMixin, "customer_base", "customer table (SQL)")
timed(analysis, "analyse_base", "analysis (Python)")
timed(export, "to_csv", "output files")
timed(catalog.StoreBase, "close", "close the store")
cli.to_csv = export.to_csv
wall, cpu = time.perf_counter(), time.process_time()
code = cli.main(["report", sys.argv[1], "--out", sys.argv[2]])
total = (time.perf_counter() - started[0], time.process_time() - started[1])
print(f"{'phase':28s} {'wall s':>7s} {'CPU s':>7s}")
for key, (w, c) in spent.items():
    print(f"{key:28s} {w:7.2f} {c:7.2f}")
named = sum(w for w, _ in spent.values()), sum(c for _, c in spent.values())
print(f"{'other':28s} {total[0] - named[0]:7.2f} {total[1] - named[1]:7.2f}")
print(f"{'total':28s} {total[0]:7.2f} {total[1]:7.2f}")
sys.exit(code)
"""

TPCH_RATES = """activity,resource,unit_time,cost_per_unit,relationship
Order handling,Customer service,12,,
Line picking,Customer service,2,,
Expedited order,Logistics,45,,
Return handling,Logistics,30,,
"""
TPCH_RESOURCES = """resource,cost,capacity
Customer service,1200000000.00,36000000
Logistics,2400000000.00,80000000
"""
TPCH_TABLES = ("lineitem", "orders", "customer", "nation", "region", "partsupp")
TPCH_TRANSACTIONS = """COPY (
SELECT o.o_custkey AS customer_id, o.o_orderdate AS date, l.l_orderkey AS order_id,
       l.l_partkey AS product_id, CAST(l.l_quantity AS INTEGER) AS quantity,
       l.l_extendedprice AS list_revenue,
       CAST(l.l_extendedprice * (1 - l.l_discount) AS DECIMAL(18, 4)) AS net_revenue,
       CAST(ps.ps_supplycost * l.l_quantity AS DECIMAL(18, 4)) AS cogs
FROM lineitem l JOIN orders o ON o.o_orderkey = l.l_orderkey
JOIN partsupp ps ON ps.ps_partkey = l.l_partkey AND ps.ps_suppkey = l.l_suppkey
ORDER BY l.l_orderkey, l.l_linenumber) TO '{out}/transactions.csv' (HEADER)"""
TPCH_CUSTOMERS = """COPY (
SELECT c.c_custkey AS customer_id, c.c_name AS name, c.c_mktsegment AS segment,
       r.r_name AS region
FROM customer c JOIN nation n ON n.n_nationkey = c.c_nationkey
JOIN region r ON r.r_regionkey = n.n_regionkey
ORDER BY c.c_custkey) TO '{out}/customers.csv' (HEADER)"""
TPCH_ACTIVITIES = """COPY (
WITH per_order AS (
  SELECT o.o_custkey AS customer_id, o.o_orderdate AS date, o.o_orderkey,
         o.o_orderpriority IN ('1-URGENT', '2-HIGH') AS expedited,
         count(*) AS lines, count(*) FILTER (WHERE l.l_returnflag = 'R') AS returns
  FROM orders o JOIN lineitem l ON l.l_orderkey = o.o_orderkey
  GROUP BY ALL),
per_day AS (
  SELECT customer_id, date, count(*) AS orders, sum(lines) AS lines,
         count(*) FILTER (WHERE expedited) AS expedited, sum(returns) AS returns
  FROM per_order GROUP BY customer_id, date)
SELECT customer_id, activity, quantity, date FROM (
  SELECT customer_id, date, 'Order handling' AS activity, orders AS quantity, 1 AS k
  FROM per_day
  UNION ALL SELECT customer_id, date, 'Line picking', lines, 2 FROM per_day
  UNION ALL SELECT customer_id, date, 'Expedited order', expedited, 3 FROM per_day
  WHERE expedited > 0
  UNION ALL SELECT customer_id, date, 'Return handling', returns, 4 FROM per_day
  WHERE returns > 0)
ORDER BY date, customer_id, k) TO '{out}/activities.csv' (HEADER)"""



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
    info = {"customers": customers, "seed": seed, "rows": count_rows(folder),
            "generate_seconds": round(seconds, 1),
            "generate_peak_mib": round(peak)}
    marker.write_text(json.dumps(info, indent=2))
    return info


def count_rows(folder: Path) -> dict[str, int]:
    import csv

    rows = {}
    for table in ("transactions", "activities", "customers"):
        with (folder / f"{table}.csv").open(newline="") as handle:
            rows[table] = sum(1 for _ in csv.reader(handle)) - 1
    return rows


def ensure_tpch(folder: Path, scale: int = 1) -> dict:
    """TPC-H at ``scale`` written by ``tpchgen-cli`` as Parquet and mapped to the import
    contract as CSV (once; ``rows.json`` marks a finished mapping)."""
    import shutil
    import time

    import duckdb

    marker = folder / "rows.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("tpch_scale") == scale:
            return info
    tool = shutil.which("tpchgen-cli")
    if tool is None:
        raise SystemExit("tpchgen-cli is missing: pip install tpchgen-cli "
                         "(the benchmark's set-up only, not a requirement of the app)")
    raw = folder / "tpch-parquet"
    print(f"generating TPC-H SF{scale} into {raw} ...", flush=True)
    started = time.perf_counter()
    run_measured([tool, "parquet", "-s", str(scale), "--output-dir", str(raw),
                  "--tables", ",".join(TPCH_TABLES), "--overwrite"])
    con = duckdb.connect()
    for table in TPCH_TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{raw}/{table}.parquet')")
    for sql in (TPCH_TRANSACTIONS, TPCH_CUSTOMERS, TPCH_ACTIVITIES):
        con.execute(sql.format(out=folder))
    con.close()
    (folder / "rates.csv").write_text(TPCH_RATES)
    (folder / "resources.csv").write_text(TPCH_RESOURCES)
    shutil.rmtree(raw)
    info = {"tpch_scale": scale, "rows": count_rows(folder),
            "generate_seconds": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("sample", "tpch"), default="sample")
    parser.add_argument("--customers", type=int, default=100_000,
                        help="customers of the sample (the TPC-H case is SF1: 150,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--phases", action="store_true",
                        help="run one report and print where its seconds go, per phase")
    parser.add_argument("--before", metavar="REV",
                        help="also time the report of a committed revision (exported with "
                             "git archive into bench-data/code-REV), alternating with the "
                             "others")
    args = parser.parse_args()

    if args.dataset == "tpch":
        folder = args.data / "tpch-sf1"
        folder.mkdir(parents=True, exist_ok=True)
        info = ensure_tpch(folder)
    else:
        folder = args.data / f"sample-{args.customers}"
        folder.mkdir(parents=True, exist_ok=True)
        info = ensure_data(folder, args.customers, args.seed)
    size_mib = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    print(f"dataset: {info['rows']} ({size_mib:,.0f} MiB of CSV)", flush=True)

    reference_cmd = [sys.executable, "-c", REFERENCE, str(folder)]
    report_out = args.data / "report-out"
    if args.phases:
        seconds, cpu, peak, out = run_measured(
            [sys.executable, "-c", PHASES, str(folder), str(report_out)])
        print(out + f"(process: {seconds:.2f} s, CPU {cpu:.2f} s, peak {peak:,.0f} MiB; "
              f"load average {os.getloadavg()[0]:.1f})")
        return
    # -P: the code is the PYTHONPATH's (this checkout, or --before's export), not the
    # working directory's.
    report_cmd = [sys.executable, "-P", "-m", "analytics", "report", str(folder),
                  "--out", str(report_out)]
    timings: dict[str, list[tuple[float, float, float]]] = {"reference": [], "report": []}
    commands = [("reference", reference_cmd, ROOT), ("report", report_cmd, ROOT)]
    if args.before:
        before = code_at(args.before, args.data)
        commands.append((f"before {args.before}", report_cmd, before))
        timings[f"before {args.before}"] = []
    loads = [os.getloadavg()[0]]
    for number in range(args.runs):
        for name, command, root in commands:
            seconds, cpu, peak, _ = run_measured(command, root)
            timings[name].append((seconds, peak, cpu))
            print(f"run {number + 1}: {name:9s} {seconds:6.2f} s  CPU {cpu:6.2f} s  "
                  f"peak {peak:7,.0f} MiB", flush=True)
        loads.append(os.getloadavg()[0])

    # The machine's 1-minute load average before and after each pair of runs: other work
    # on the machine (a busy machine slows both, but not always alike).
    result = {"dataset": info, "name": args.dataset, "csv_mib": round(size_mib),
              "cpu_count": os.cpu_count(), "load_average": [round(x, 1) for x in loads]}
    for name, values in timings.items():
        result[name] = {
            "median_seconds": round(statistics.median(v[0] for v in values), 2),
            "median_cpu_seconds": round(statistics.median(v[2] for v in values), 2),
            "peak_mib": round(max(v[1] for v in values)),
            "runs": [[round(s, 2), round(m), round(c, 2)] for s, m, c in values],
        }
    result["ratio"] = round(result["report"]["median_seconds"]
                            / result["reference"]["median_seconds"], 2)
    result["cpu_ratio"] = round(result["report"]["median_cpu_seconds"]
                                / result["reference"]["median_cpu_seconds"], 2)
    if args.before:
        result["before"] = {"revision": args.before, **result.pop(f"before {args.before}")}
        result["before"]["ratio"] = round(result["before"]["median_seconds"]
                                          / result["reference"]["median_seconds"], 2)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "report.json" if args.dataset == "sample" else "report-tpch.json"
    (OUT / name).write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"\nreport {result['report']['median_seconds']} s vs bare DuckDB "
        f"{result['reference']['median_seconds']} s: ratio {result['ratio']} (target <= 2.0), "
        f"CPU ratio {result['cpu_ratio']}; load average {result['load_average']}; "
        f"report peak memory {result['report']['peak_mib']:,} MiB (target < 3,072 MiB)"
    )
    if args.before:
        print(f"before ({args.before}): {result['before']['median_seconds']} s, ratio "
              f"{result['before']['ratio']}")


if __name__ == "__main__":
    main()
