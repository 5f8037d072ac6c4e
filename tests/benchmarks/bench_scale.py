"""Benchmark: ProfitLens at 60 million invoice lines (issue 13, item 6).

Run from the repository root (``pip install tpchgen-cli``: the benchmark's set-up only;
the Spark part needs ``requirements-spark.txt`` and Java, the dashboard part Playwright
and Debian's Chromium)::

    python tests/benchmarks/bench_scale.py [--scale 10] [--runs 3] [--skip-spark]
                                           [--skip-browser] [--only-data]

It builds once, in ``bench-data/scale-sf1`` and ``bench-data/scale-sf{scale}`` (never
committed; ``rows.json`` marks a finished folder), TPC-H at SF1 and at ``--scale``
(SF10: 59,986,052 invoice lines) mapped to the import contract exactly as
``bench_report.py`` maps SF1 (its SQL, written as Parquet instead of CSV; the two
resources' cost and capacity times the scale factor, so the rates stay those of SF1),
then measures, each as a fresh process (wall time, CPU time, peak resident memory):

a. **load**: ``python -m analytics load DIR --db STORE`` (validation, the lines and the
   cube) on both scales, ``PROFITLENS_MAX_ROWS`` raised above the lines (the 20 million
   row reading limit) and ``PROFITLENS_MEMORY_LIMIT`` as given (``--memory-limit``:
   SF10 needs ``6GB``, the app's 2 GB default runs out of memory after ~9 minutes);
   and ``--lines drop`` (a store keeping only the cube) when the CLI has it;
b. **reference**: a bare DuckDB script building the same cube from the same Parquet
   files (views on ``read_parquet`` with the store's column types, the four
   ``data/sql/cube_build_*.sql`` through ``data.engines.duck.build_cube``, results as
   Arrow): the load's target is within 2x of it and under 8 GB;
c. **dashboard**: in a real browser (``bench_browser.py``'s measures) on each store: the
   first load of the Overview, the switch to the Customers page (its customer table)
   and the quadrant-threshold control change (target <= 300 ms, as at 6 million lines);
   plus ``customer_base()`` of the whole span timed in a fresh process;
d. **Spark** ``local[2]``: ``data.engines.spark.build_cube`` on both folders (the
   session start apart), per stage.

Every figure is also given as a ratio to the reference measured in the same run.
Results go to stdout and ``tests/benchmarks/out/scale.json`` (merged: a run replaces only
the cases and stages it measured).

**The sample at scale** (``--cases sample60``; not in the default run): TPC-H SF10 has
ten times SF1's customers, and the dashboard's cost grows with customers, not lines. This
case keeps the customers: bench_report's 100,000-customer sample (``bench-data/
sample-100000``, 6,271,789 lines over 2022-2024; made by its set-up when missing) as ten
"branches" of order intake, 62,717,890 lines (``ensure_sample_dataset``: copy k of every
line, its order_id suffixed "-k" and its money times ``SAMPLE_FACTORS[k]`` rounded to the
cent; activities at the same monthly rows with ten times the quantities; resources ten
times), written straight to Parquet by DuckDB SQL in ``bench-data/scale-sample60``; and
its reference, the sample itself as Parquet (one copy, ``bench-data/scale-sample6``),
measured in the same run. The documented command (load at 6 GB, no bare reference, no
Spark; one load each; three fresh servers per store, alternating, ten changes
each)::

    python tests/benchmarks/bench_scale.py --cases sample60 --stages data,duckdb,dashboard \
        --lines keep,drop --skip-reference --runs 1 --browser-servers 3 --browser-runs 10

The dashboard entries ``sample60-<lines>`` carry ``ratio_to_sample6``: each figure over
the same figure at 6 million lines.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
from bench_report import (  # noqa: E402  (sibling modules of this script)
    TPCH_ACTIVITIES,
    TPCH_CUSTOMERS,
    TPCH_RATES,
    TPCH_TABLES,
    TPCH_TRANSACTIONS,
)
from measure import run_measured  # noqa: E402

OUT = ROOT / "tests" / "benchmarks" / "out"
DATA = ROOT / "bench-data"

# bench_report's resources at SF1; times the scale factor here (same rates per unit).
RESOURCES = {"Customer service": (1_200_000_000, 36_000_000),
             "Logistics": (2_400_000_000, 80_000_000)}
_COPY_TO = re.compile(r"TO '\{out\}/(?P<table>\w+)\.csv' \(HEADER\)\s*$")


def as_parquet(sql: str) -> str:
    """bench_report's ``COPY (...) TO '{out}/<table>.csv' (HEADER)`` written as Parquet."""
    if not _COPY_TO.search(sql):
        raise SystemExit("bench_report's TPC-H mapping no longer ends in "
                         "TO '{out}/<table>.csv' (HEADER): update bench_scale.as_parquet")
    return _COPY_TO.sub(r"TO '{out}/\g<table>.parquet' (FORMAT parquet, COMPRESSION zstd)",
                        sql)


def resources_csv(scale: float) -> str:
    rows = [f"{name},{cost * scale:.2f},{round(capacity * scale)}"
            for name, (cost, capacity) in RESOURCES.items()]
    return "resource,cost,capacity\n" + "\n".join(rows) + "\n"


def parquet_rows(path: Path) -> int:
    import duckdb

    with duckdb.connect() as con:
        return con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)",
                           [str(path)]).fetchone()[0]


def _writer(spill: Path, memory_limit: str, threads: int | None):
    """A DuckDB connection to build a dataset with: the memory limit, spilling into
    ``spill``, no progress bar, ``threads`` if given."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit,
                                 "temp_directory": str(spill)})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def ensure_dataset(folder: Path, scale: float, *, tool: str | None = None,
                   threads: int | None = None, memory_limit: str = "12GB") -> dict:
    """TPC-H at ``scale`` generated by ``tpchgen-cli`` (Parquet) and mapped to the import
    contract in DuckDB SQL (``COPY ... TO`` Parquet): ``transactions``, ``activities``,
    ``customers`` as Parquet, ``rates.csv`` and ``resources.csv``. Done once: a folder
    whose ``rows.json`` names the same scale is kept. The raw TPC-H files are removed
    after the mapping."""

    marker = folder / "rows.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("tpch_scale") == scale:
            return info
    tool = tool or shutil.which("tpchgen-cli")
    if tool is None:
        raise SystemExit("tpchgen-cli is missing: pip install tpchgen-cli "
                         "(the benchmark's set-up only, not a requirement of the app)")
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "tpch-raw"
    print(f"generating TPC-H SF{scale:g} into {raw} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([tool, "parquet", "-s", f"{scale:g}", "--output-dir", str(raw),
                    "--tables", ",".join(TPCH_TABLES)], check=True,
                   stdout=subprocess.DEVNULL)
    generated = time.perf_counter() - started
    spill = folder / "tmp"
    con = _writer(spill, memory_limit, threads)
    for table in TPCH_TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{raw}/{table}.parquet')")
    mapped = {}
    for name, sql in (("transactions", TPCH_TRANSACTIONS), ("customers", TPCH_CUSTOMERS),
                      ("activities", TPCH_ACTIVITIES)):
        begin = time.perf_counter()
        con.execute(as_parquet(sql).format(out=folder))
        mapped[name] = round(time.perf_counter() - begin, 1)
        print(f"  {name}.parquet written in {mapped[name]} s", flush=True)
    con.close()
    (folder / "rates.csv").write_text(TPCH_RATES)
    (folder / "resources.csv").write_text(resources_csv(scale))
    shutil.rmtree(raw)
    shutil.rmtree(spill, ignore_errors=True)
    rows = {name: parquet_rows(folder / f"{name}.parquet")
            for name in ("transactions", "activities", "customers")}
    info = {"tpch_scale": scale, "rows": rows,
            "parquet_mib": round(sum(p.stat().st_size for p in folder.glob("*.parquet"))
                                 / 2**20),
            "generate_s": round(generated, 1), "map_s": mapped,
            "total_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info, indent=2))
    return info



# The sample at scale (--cases sample60): the 100,000-customer sample (bench_report's,
# 6,271,789 lines over 2022-2024) as ten "branches" of order intake. Copy k (0-9) of every
# line keeps its customer, date, product and quantity; its order_id gets the suffix "-k"
# (copy 0 keeps the sample's own) and its three amounts are the sample's times
# SAMPLE_FACTORS[k], rounded to the cent half away from zero in DECIMAL arithmetic (so net
# margin and discount keep each line's proportions; the factors sum to 10, so every total
# is ten times the sample's to within the rounding). The same customers and the same
# customer-months, ten times the lines and the orders. The activity file keeps its rows
# (monthly grain, as in the sample) with ten times each quantity, and the resources ten
# times their cost and capacity (the same rates, as the TPC-H cases scale them); the
# customers and rates files are the sample's. One copy (sample6) is the sample itself as
# Parquet: the reference the 60-million-line case is compared with.
SAMPLE_FACTORS = ("1.00", "0.99", "1.01", "0.98", "1.02", "0.97", "1.03", "0.96", "1.04",
                  "1.00")
SAMPLE_CASES = {"sample6": 1, "sample60": 10}  # case name -> copies of every line
SAMPLE_TRANSACTIONS = """COPY (
WITH lines AS (
  SELECT *, row_number() OVER () AS line
  FROM read_csv('{source}/transactions.csv', header = true, types = {{
    'customer_id': 'VARCHAR', 'date': 'DATE', 'order_id': 'VARCHAR',
    'product_id': 'VARCHAR', 'quantity': 'BIGINT', 'list_revenue': 'DECIMAL(18, 2)',
    'net_revenue': 'DECIMAL(18, 2)', 'cogs': 'DECIMAL(18, 2)'}})),
branches AS (SELECT * FROM (VALUES {branches}) AS b(branch, factor))
SELECT l.customer_id, l.date,
       CASE WHEN b.branch = 0 THEN l.order_id ELSE l.order_id || '-' || b.branch END
           AS order_id,
       l.product_id, l.quantity,
       CAST(round(l.list_revenue * b.factor, 2) AS DECIMAL(18, 2)) AS list_revenue,
       CAST(round(l.net_revenue * b.factor, 2) AS DECIMAL(18, 2)) AS net_revenue,
       CAST(round(l.cogs * b.factor, 2) AS DECIMAL(18, 2)) AS cogs
FROM lines AS l CROSS JOIN branches AS b
ORDER BY l.date, b.branch, l.line
) TO '{out}/transactions.parquet' (FORMAT parquet, COMPRESSION zstd)"""
SAMPLE_ACTIVITIES = """COPY (
SELECT customer_id, activity, quantity * {copies} AS quantity, date
FROM read_csv('{source}/activities.csv', header = true, types = {{
  'customer_id': 'VARCHAR', 'activity': 'VARCHAR', 'quantity': 'BIGINT', 'date': 'DATE'}})
) TO '{out}/activities.parquet' (FORMAT parquet, COMPRESSION zstd)"""


def scaled_resources(text: str, copies: int) -> str:
    """A resources file with every cost and capacity times ``copies`` (exact: decimals)."""
    import csv
    import io
    from decimal import Decimal

    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        for column in ("cost", "capacity"):
            if row.get(column, "").strip():
                row[column] = str(Decimal(row[column]) * copies)
        writer.writerow(row)
    return out.getvalue()


def ensure_sample_dataset(folder: Path, source: Path, copies: int, *,
                          threads: int | None = None, memory_limit: str = "6GB") -> dict:
    """The sample of ``source`` (a folder of ``python -m analytics sample``) at ``copies``
    times its lines (at most ten: SAMPLE_FACTORS), written as Parquet by DuckDB SQL
    (``COPY ... TO``) into ``folder``. Done once: a folder whose ``rows.json`` names the
    same source and copies is kept."""

    if not 1 <= copies <= len(SAMPLE_FACTORS):
        raise ValueError(f"copies must be 1 to {len(SAMPLE_FACTORS)}")
    marker = folder / "rows.json"
    source_info = json.loads((source / "rows.json").read_text())
    if marker.exists():
        info = json.loads(marker.read_text())
        if (info.get("source") == source.name and info.get("copies") == copies
                and info.get("source_rows") == source_info["rows"]):
            return info
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    print(f"writing {source.name} x {copies} into {folder} ...", flush=True)
    started = time.perf_counter()
    spill = folder / "tmp"
    con = _writer(spill, memory_limit, threads)
    quoted = {"source": str(source).replace("'", "''"), "out": str(folder).replace("'", "''")}
    branches = ", ".join(f"({k}, {factor})" for k, factor in enumerate(SAMPLE_FACTORS[:copies]))
    mapped = {}
    for name, sql in (("transactions", SAMPLE_TRANSACTIONS), ("activities", SAMPLE_ACTIVITIES)):
        begin = time.perf_counter()
        con.execute(sql.format(branches=branches, copies=copies, **quoted))
        mapped[name] = round(time.perf_counter() - begin, 1)
        print(f"  {name}.parquet written in {mapped[name]} s", flush=True)
    con.close()
    shutil.rmtree(spill, ignore_errors=True)
    shutil.copyfile(source / "customers.csv", folder / "customers.csv")
    shutil.copyfile(source / "rates.csv", folder / "rates.csv")
    (folder / "resources.csv").write_text(
        scaled_resources((source / "resources.csv").read_text(), copies))
    rows = {name: parquet_rows(folder / f"{name}.parquet")
            for name in ("transactions", "activities")}
    rows["customers"] = source_info["rows"]["customers"]
    info = {"source": source.name, "source_rows": source_info["rows"], "copies": copies,
            "factors": list(SAMPLE_FACTORS[:copies]), "rows": rows,
            "parquet_mib": round(sum(p.stat().st_size for p in folder.glob("*.parquet"))
                                 / 2**20),
            "map_s": mapped, "total_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info, indent=2))
    return info

# (b) The reference: the same cube from the same Parquet files in a bare DuckDB script,
# the views giving the store's column types (ids as text, money DECIMAL(18,4), numbers
# DOUBLE), the four build files through data.engines.duck.build_cube, results as Arrow.
VIEWS = (
    """CREATE VIEW transactions AS SELECT
    CAST(customer_id AS VARCHAR) AS customer_id, CAST(date AS DATE) AS date,
    CAST(net_revenue AS DECIMAL(18, 4)) AS net_revenue, CAST(order_id AS VARCHAR) AS order_id,
    CAST(product_id AS VARCHAR) AS product_id, CAST(quantity AS DOUBLE) AS quantity,
    CAST(list_revenue AS DECIMAL(18, 4)) AS list_revenue, CAST(cogs AS DECIMAL(18, 4)) AS cogs
    FROM read_parquet('{folder}/transactions.parquet')""",
    """CREATE VIEW activities AS SELECT
    CAST(customer_id AS VARCHAR) AS customer_id, CAST(activity AS VARCHAR) AS activity,
    CAST(quantity AS DOUBLE) AS quantity, CAST(date AS DATE) AS date,
    CAST(NULL AS VARCHAR) AS order_id
    FROM read_parquet('{folder}/activities.parquet')""",
)


def reference_cube(folder: Path):
    """The cube's tables (Arrow) and seconds per table, built by a bare DuckDB connection
    from the Parquet files of ``folder``: the reference the load is compared with."""
    import duckdb

    from data.engines.duck import build_cube

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # it writes to stdout on long queries
    for sql in VIEWS:
        con.execute(sql.format(folder=str(folder).replace("'", "''")))
    try:
        return build_cube(con)
    finally:
        con.close()


REFERENCE = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from bench_scale import reference_cube
tables, seconds = reference_cube(sys.argv[1])
print(json.dumps({"rows": {n: t.num_rows for n, t in tables.items()}, "seconds": seconds}))
"""

# (c) The store as the dashboard reads it: open, then customer_base() of the whole span
# (cold, then warm: median of 3), in a fresh process.
STORE_READ = r"""
import json, statistics, sys, time
from data import Store
t = time.perf_counter()
store = Store(sys.argv[1])
opened = time.perf_counter() - t
t = time.perf_counter()
base = store.customer_base()
cold = time.perf_counter() - t
warm = []
for _ in range(3):
    t = time.perf_counter()
    base = store.customer_base()
    warm.append(time.perf_counter() - t)
customers = len(base.customers)
store.close()
print(json.dumps({"open_s": opened, "customer_base_cold_s": cold,
                  "customer_base_warm_s": statistics.median(warm), "customers": customers}))
"""

# The cube's row counts as the load stored them (a fresh process, after the load).
CUBE_ROWS = r"""
import json, sys
from data import Store
from data.cube import CUBE_TABLES
store = Store(sys.argv[1])
with store.cursor() as cur:
    rows = {t: cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in CUBE_TABLES}
store.close()
print(json.dumps(rows))
"""

# (d) Spark local: the session, then build_cube on the folder (stage by stage).
SPARK = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore", FutureWarning)
import data.engines.spark as engine
from data.engines.spark import build_cube, session
# Each stage's start logged as it happens (argv[4]): a run stopped early still says how
# far it got (the read ends when the first cube query is asked for).
log = open(sys.argv[4], "a", buffering=1)
began = time.perf_counter()
transpiled = engine.spark_sql
def spark_sql(name):
    log.write(f"{time.perf_counter() - began:8.1f} s: {name} starts\n")
    return transpiled(name)
engine.spark_sql = spark_sql
t = time.perf_counter()
# The cube comes back to the driver: 13.6 million customer-months at SF10 serialise to
# 1.09 GB, over Spark's default spark.driver.maxResultSize (1 GB: the job is aborted).
spark = session(sys.argv[2], conf={"spark.driver.memory": sys.argv[3],
                                   "spark.driver.maxResultSize": sys.argv[5]})
started = time.perf_counter() - t
log.write(f"{time.perf_counter() - began:8.1f} s: session started; reading {sys.argv[1]}\n")
result = build_cube(spark, sys.argv[1])
log.write(f"{time.perf_counter() - began:8.1f} s: build_cube done {result.seconds}\n")
# The serial part apart: the largest cube table, already computed and cached on the
# executors, collected to the driver as Arrow again (rows per second of the collect;
# its first 5 million rows at most).
name = max(result.tables, key=lambda n: result.tables[n].num_rows)
sample = result.tables[name].slice(0, 5_000_000)
frame = spark.createDataFrame(sample).cache()
frame.count()
t = time.perf_counter()
frame.toArrow()
collect = {"table": name, "rows": sample.num_rows, "seconds": time.perf_counter() - t}
frame.unpersist()
spark.stop()
print(json.dumps({"session_s": started, "seconds": result.seconds,
                  "rows_read": result.rows, "collect": collect,
                  "rows": {n: t.num_rows for n, t in result.tables.items()}}))
"""


def cli_has_lines_option() -> bool:
    """Whether ``python -m analytics load`` takes ``--lines keep|drop`` (issue 13)."""
    help_text = subprocess.run([sys.executable, "-m", "analytics", "load", "--help"],
                               cwd=ROOT, capture_output=True, text=True).stdout
    return "--lines" in help_text


def remove_store(db: Path) -> None:
    for path in db.parent.glob(db.name + "*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def store_mib(db: Path) -> float:
    """The store's files on disk (its current version and side files)."""
    files = [p for p in db.parent.glob(db.name + "*") if p.is_file()]
    files += [p for p in db.parent.glob(db.name + "*/**/*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def figures(values: list[tuple[float, float, float]]) -> dict:
    """Median wall and CPU seconds, largest peak memory of (wall, cpu, peak MiB) runs."""
    return {"median_s": round(statistics.median(v[0] for v in values), 2),
            "median_cpu_s": round(statistics.median(v[1] for v in values), 2),
            "peak_mib": round(max(v[2] for v in values)),
            "runs": [[round(w, 2), round(c, 2), round(m)] for w, c, m in values]}


def measure_duckdb(name: str, folder: Path, stores: Path, runs: int, lines: list[str],
                   rows: int, reference: bool = True) -> dict:
    """The load (per ``lines`` option) and the reference, alternately, ``runs`` times
    (without the reference when ``reference`` is false); the cube's rows as stored."""
    os.environ["PROFITLENS_MAX_ROWS"] = str(max(rows + 1, 20_000_000))
    reference_cmd = [sys.executable, "-c", REFERENCE, str(folder), str(HERE)]
    timings: dict[str, list] = {"reference": []} if reference else {}
    result: dict = {"load_average": [round(os.getloadavg()[0], 1)]}
    for number in range(runs):
        if reference:
            wall, cpu, peak, out = run_measured(reference_cmd)
            timings["reference"].append((wall, cpu, peak))
            result["cube_rows"] = json.loads(out.strip().splitlines()[-1])["rows"]
            print(f"{name} run {number + 1}: reference (bare DuckDB cube) {wall:7.1f} s  "
                  f"CPU {cpu:7.1f} s  peak {peak:7,.0f} MiB", flush=True)
        for option in lines:
            db = stores / f"{name}-{option}.duckdb"
            remove_store(db)
            command = [sys.executable, "-m", "analytics", "load", str(folder), "--db", str(db)]
            if option != "default":
                command += ["--lines", option]
            wall, cpu, peak, _ = run_measured(command)
            timings.setdefault(f"load_{option}", []).append((wall, cpu, peak))
            result[f"store_{option}_mib"] = store_mib(db)
            _, _, _, out = run_measured([sys.executable, "-c", CUBE_ROWS, str(db)])
            result[f"store_{option}_cube_rows"] = json.loads(out.strip().splitlines()[-1])
            print(f"{name} run {number + 1}: load --lines {option:7s} {wall:7.1f} s  "
                  f"CPU {cpu:7.1f} s  peak {peak:7,.0f} MiB  store "
                  f"{result[f'store_{option}_mib']:,} MiB", flush=True)
        result["load_average"].append(round(os.getloadavg()[0], 1))
    if reference:
        reference_s = statistics.median(v[0] for v in timings["reference"])
        reference_cpu = statistics.median(v[1] for v in timings["reference"])
    for key, values in timings.items():
        result[key] = figures(values)
        if key != "reference" and reference:
            result[key]["ratio_to_reference"] = round(result[key]["median_s"] / reference_s,
                                                      2)
            result[key]["cpu_ratio_to_reference"] = round(
                result[key]["median_cpu_s"] / reference_cpu, 2)
    return result


def measure_store(db: Path) -> dict:
    _, _, peak, out = run_measured([sys.executable, "-c", STORE_READ, str(db)])
    result = {k: round(v, 3) if isinstance(v, float) else v
              for k, v in json.loads(out.strip().splitlines()[-1]).items()}
    result["process_peak_mib"] = round(peak)
    return result


WHALE = ".st-key-whale [data-testid='plChart']"  # the Overview's whale curve
QUADRANT_MAP = ".st-key-cust_map [data-testid='plChart']"  # the Customers page's map


def measure_browser(db: Path, port: int, runs: int) -> dict:
    """bench_browser's measures on ``db``: the first load (until the Overview's whale curve
    is drawn and the page idle), the first switch to the Customers page (until its map is
    drawn: the customer table is computed before it), the quadrant-threshold control
    change and the Pricing slider (medians of ``runs``). Waiting for those charts matters:
    with the toolbar in "minimal" mode bench_browser's idle test (no status widget) is
    true while a long first run has drawn only the title."""
    from bench_browser import ARGS, redraw, slider_redraw, start_server, wait_idle
    from playwright.sync_api import sync_playwright

    server = start_server(db, port)
    result: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(WHALE, timeout=900_000)
            wait_idle(page, timeout_ms=900_000)
            result["first_load_s"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            page.locator("[data-testid='stSidebarNav'] a", has_text="Customers").first.click()
            page.wait_for_selector(QUADRANT_MAP, timeout=900_000)
            wait_idle(page, timeout_ms=900_000)
            result["customers_first_switch_s"] = round(time.perf_counter() - start, 2)
            changes = [redraw(page, "Means" if n % 2 == 0 else "Medians", QUADRANT_MAP)
                       for n in range(runs)]
            result["control_change_ms"] = {"median": round(statistics.median(changes)),
                                           "max": round(max(changes)), "n": len(changes),
                                           "values": [round(v) for v in changes]}
            start = time.perf_counter()
            page.locator("[data-testid='stSidebarNav'] a", has_text="Pricing").first.click()
            page.wait_for_function(
                "() => { const h = document.querySelector('h1');"
                " return h && h.innerText === 'Pricing scenarios'"
                " && document.querySelector(\"[data-testid='stSlider']\")"
                " && document.querySelector(\"[data-testid='stMain'] [data-testid='plChart']\"); }",
                timeout=900_000)
            wait_idle(page, timeout_ms=900_000)
            result["pricing_first_switch_s"] = round(time.perf_counter() - start, 2)
            moves = [slider_redraw(page, "[data-testid='stMain']") for _ in range(runs)]
            result["pricing_slider_ms"] = {"median": round(statistics.median(moves)),
                                           "max": round(max(moves)), "n": len(moves),
                                           "values": [round(v) for v in moves]}
            page.screenshot(path=str(OUT / f"scale-{db.stem}.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def measure_spark(folder: Path, master: str, driver_memory: str, log: Path,
                  max_result: str = "6g") -> dict:
    wall, _, peak, out = run_measured(
        [sys.executable, "-c", SPARK, str(folder), master, driver_memory, str(log),
         max_result])
    result = json.loads(out.strip().splitlines()[-1])
    result["process_s"] = round(wall, 1)
    result["driver_python_peak_mib"] = round(peak)  # the JVM is not counted
    result["seconds"] = {k: round(v, 1) for k, v in result["seconds"].items()}
    result["session_s"] = round(result["session_s"], 1)
    return result


BROWSER_SECONDS = ("first_load_s", "customers_first_switch_s", "pricing_first_switch_s")
BROWSER_MS = ("control_change_ms", "pricing_slider_ms")


def pooled(results: list[dict]) -> dict:
    """One set of browser figures from ``measure_browser`` on several fresh servers: the
    median of each first load and first switch (all of them under ``runs``), the control
    changes and slider moves of every server pooled (median, max, n, values)."""
    done = [r for r in results if "error" not in r]
    out: dict = {"servers": len(results)}
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        out["errors"] = errors
    if not done:
        return out
    for key in BROWSER_SECONDS:
        values = [r[key] for r in done]
        out[key] = round(statistics.median(values), 2)
        out["runs"] = out.get("runs", {}) | {key: values}
    for key in BROWSER_MS:
        values = [v for r in done for v in r[key]["values"]]
        out[key] = {"median": round(statistics.median(values)), "max": max(values),
                    "n": len(values), "values": values}
    return out


def ratios(large: dict, small: dict) -> dict:
    """``large`` / ``small`` for each dashboard figure both have (medians; 2 decimals)."""
    pairs = {}
    for key in ("customer_base_cold_s", "customer_base_warm_s", "process_peak_mib"):
        if key in large.get("store", {}) and key in small.get("store", {}):
            pairs[key] = (large["store"][key], small["store"][key])
    big, little = large.get("browser", {}), small.get("browser", {})
    for key in BROWSER_SECONDS:
        if key in big and key in little:
            pairs[key] = (big[key], little[key])
    for key in BROWSER_MS:
        if key in big and key in little:
            pairs[key] = (big[key]["median"], little[key]["median"])
    return {key: round(a / b, 2) for key, (a, b) in pairs.items() if b}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10, help="TPC-H scale of the large "
                        "case (10: 60 million lines; SF1 is always the small case)")
    parser.add_argument("--small-scale", type=float, default=1, help="TPC-H scale of the "
                        "small case (1: 6 million lines)")
    parser.add_argument("--runs", type=int, default=3, help="alternate runs of the loads "
                        "and the reference at 6 million lines (one at 60 million: "
                        "--large-runs)")
    parser.add_argument("--large-runs", type=int, default=1)
    parser.add_argument("--browser-runs", type=int, default=10,
                        help="control changes and slider moves per server")
    parser.add_argument("--browser-servers", type=int, default=1,
                        help="fresh servers per store, the stores alternating (first "
                             "loads and switches: their median; changes pooled)")
    parser.add_argument("--stages", default="data,duckdb,dashboard,spark",
                        help="comma-separated subset of data,duckdb,dashboard,spark "
                             "(results merged into scale.json)")
    parser.add_argument("--cases", default="small,large",
                        help="comma-separated: small (TPC-H SF1), large (SF10), sample60 "
                             "(the 100,000-customer sample at 60 million lines, with the "
                             "sample itself as Parquet, sample6, as its reference) or "
                             "sample6 alone (results merged into scale.json)")
    parser.add_argument("--lines", default=None, help="load options measured: keep, drop "
                        "or keep,drop (default: both when the CLI has --lines)")
    parser.add_argument("--skip-reference", action="store_true",
                        help="the duckdb stage without the bare DuckDB reference")
    parser.add_argument("--sample", type=Path, default=DATA / "sample-100000",
                        help="the sample the sample cases copy (made by bench_report.py's "
                             "set-up when missing: 100,000 customers, seed 7)")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-browser", action="store_true",
                        help="the dashboard stage without a browser (customer_base only)")
    parser.add_argument("--memory-limit", default=None, help="PROFITLENS_MEMORY_LIMIT "
                        "for the loads (default: the app's 2GB at 6 million lines, 6GB at "
                        "60 million)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--max-result-size", default="6g",
                        help="spark.driver.maxResultSize (Spark's default 1g aborts SF10)")
    parser.add_argument("--port", type=int, default=8571)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT / "scale.json")
    args = parser.parse_args(argv)
    stages = set(args.stages.split(","))
    if args.skip_spark:
        stages.discard("spark")
    if args.memory_limit:
        os.environ["PROFITLENS_MEMORY_LIMIT"] = args.memory_limit

    out_file = args.out
    out_file.parent.mkdir(parents=True, exist_ok=True)
    result = json.loads(out_file.read_text()) if out_file.exists() else {}
    result.update({"cpus": os.cpu_count(), "scale": args.scale})
    small, large = f"sf{args.small_scale:g}", f"sf{args.scale:g}"
    wanted = set(args.cases.split(","))
    unknown = wanted - {"small", "large", *SAMPLE_CASES}
    if unknown:
        parser.error(f"unknown --cases {', '.join(sorted(unknown))}")
    if "sample60" in wanted:
        wanted.add("sample6")  # its reference, measured in the same run
    measured = [name for name, case in ((small, "small"), (large, "large"),
                                        ("sample6", "sample6"), ("sample60", "sample60"))
                if case in wanted]
    sixty = {large, "sample60"}  # the 60-million-line cases: one run, 6 GB
    folders = {name: args.data / f"scale-{name}" for name in measured}
    stores = args.data / "scale-stores"
    stores.mkdir(parents=True, exist_ok=True)
    infos = {}
    # Built in a fresh process: a child spawned by this one reports this one's peak
    # memory as its own (Linux counts the parent's high-water mark until the exec), so
    # the benchmark's own process must stay small.
    with multiprocessing.get_context("spawn").Pool(1) as builder:
        for name in measured:
            if name in SAMPLE_CASES:
                if not (args.sample / "rows.json").exists():
                    from bench_report import ensure_data
                    ensure_data(args.sample, 100_000, 7)
                infos[name] = builder.apply(ensure_sample_dataset, (
                    folders[name], args.sample, SAMPLE_CASES[name]))
            else:
                infos[name] = builder.apply(ensure_dataset, (
                    folders[name], args.small_scale if name == small else args.scale))
    result.setdefault("datasets", {}).update(infos)
    for name, info in infos.items():
        print(f"{name}: {info['rows']} ({info['parquet_mib']:,} MiB of Parquet)", flush=True)

    def save() -> None:
        out_file.write_text(json.dumps(result, indent=2, default=str) + "\n")

    lines = (args.lines.split(",") if args.lines
             else ["keep", "drop"] if cli_has_lines_option() else ["default"])
    if "duckdb" in stages:
        for name in measured:
            if not args.memory_limit:  # the app's 2 GB at 6 million lines; 60 runs out
                os.environ.pop("PROFITLENS_MEMORY_LIMIT", None)
                if name in sixty:
                    os.environ["PROFITLENS_MEMORY_LIMIT"] = "6GB"
            limit = os.environ.get("PROFITLENS_MEMORY_LIMIT", "2GB (default)")
            runs = args.large_runs if name in sixty else args.runs
            result.setdefault("duckdb", {})[name] = measure_duckdb(
                name, folders[name], stores, runs, lines, infos[name]["rows"]["transactions"],
                reference=not args.skip_reference)
            result["duckdb"][name]["memory_limit"] = limit
            result["duckdb"][name]["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC",
                                                                  time.gmtime())
            save()
    if "dashboard" in stages:
        targets = {}
        for name in measured:
            for option in lines:
                db = stores / f"{name}-{option}.duckdb"
                if not db.parent.joinpath(db.name + ".current").exists():
                    print(f"{db} missing: run the duckdb stage first", flush=True)
                    continue
                targets[f"{name}-{option}"] = db
        entries = {}
        for key, db in targets.items():
            entries[key] = {"load_average_before": round(os.getloadavg()[0], 1),
                            "store": measure_store(db)}
            print(f"{key}: store read {entries[key]['store']}", flush=True)
        if not args.skip_browser:
            runs: dict[str, list] = {key: [] for key in targets}
            for server in range(args.browser_servers):  # the stores alternating
                for key, db in targets.items():
                    try:
                        figures_ = measure_browser(db, args.port, args.browser_runs)
                    except Exception as error:  # a timeout on a busy machine: say so
                        figures_ = {"error": f"{type(error).__name__}: "
                                             f"{str(error).splitlines()[0]}"}
                    figures_["load_average"] = round(os.getloadavg()[0], 1)
                    runs[key].append(figures_)
                    print(f"{key} server {server + 1}: browser {figures_}", flush=True)
            for key in targets:
                entries[key]["browser"] = (runs[key][0] if len(runs[key]) == 1
                                           else pooled(runs[key]))
                entries[key]["browser"]["load_averages"] = [
                    r["load_average"] for r in runs[key]]
        for key, entry in entries.items():
            entry["load_average_after"] = round(os.getloadavg()[0], 1)
            entry["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            result.setdefault("dashboard", {})[key] = entry
        for option in lines:  # the 60-million-line sample against the 6-million one
            if f"sample60-{option}" in entries and f"sample6-{option}" in entries:
                entries[f"sample60-{option}"]["ratio_to_sample6"] = ratios(
                    entries[f"sample60-{option}"], entries[f"sample6-{option}"])
                print(f"sample60-{option} / sample6-{option}: "
                      f"{entries[f'sample60-{option}']['ratio_to_sample6']}", flush=True)
        save()
    if "spark" in stages:
        for name in measured:
            before = round(os.getloadavg()[0], 1)
            print(f"{name}: Spark {args.master} build_cube ...", flush=True)
            log = out_file.parent / f"scale-spark-{name}.log"
            print(f"  (its stages as they start: {log})", flush=True)
            try:
                entry = measure_spark(folders[name], args.master, args.driver_memory, log,
                                      args.max_result_size)
            except SystemExit as error:  # say how far it got (the stage log) and go on
                entry = {"error": str(error).splitlines()[-1][:500],
                         "stages": log.read_text().splitlines()}
                print(f"{name}: Spark failed: {entry}", flush=True)
                result.setdefault("spark", {})[name] = entry
                save()
                continue
            entry["load_average"] = [before, round(os.getloadavg()[0], 1)]
            entry["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            reference = result.get("duckdb", {}).get(name, {}).get("reference")
            if reference:
                entry["ratio_to_reference"] = round(entry["seconds"]["total"]
                                                    / reference["median_s"], 1)
                cube_rows = result["duckdb"][name].get("cube_rows")
                entry["rows_agree"] = cube_rows == entry["rows"]
            print(f"{name}: Spark {entry}", flush=True)
            result.setdefault("spark", {})[name] = entry
            save()
    save()
    print(f"results in {out_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
