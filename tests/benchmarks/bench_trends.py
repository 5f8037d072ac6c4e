"""Benchmark: the trend queries at 100,000 customers, cold, and what the trend adds to an
Overview run once cached.

Run from the repository root::

    python tests/benchmarks/bench_trends.py [--db bench-data/store-100000.duckdb] [--runs 5]

The store is copied aside first (the dashboard or another benchmark may hold its lock).
Timed:

* cold (wall and CPU time of the process, all threads: the CPU time says how much work
  it is when other work shares the machine): ``Store.trend_series`` (the company series:
  every invoice line and activity row aggregated per customer and month or quarter in
  DuckDB) and ``Store.trend_utilisation`` for both grains, each on a fresh cursor with
  no cached result (medians of ``--runs``);
* warm: the Overview script run (AppTest) with the trend and without it (the trend
  section replaced by nothing), alternated, after one run has filled the caches: the
  difference is what the cached trend costs a page switch or a control change.

Results go to stdout and ``tests/benchmarks/out/trends.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))


def cold(db: Path, runs: int) -> dict[str, float]:
    from analytics.analysis import analyse_base
    from analytics.trends import buckets, period_cents
    from data import Store

    store = Store(db)
    info = store.info()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = analyse_base(store.customer_base())
    figures = {"customer_base_and_analysis_s": time.perf_counter() - start,
               "customer_base_and_analysis_cpu_s": time.process_time() - start_cpu,
               "invoice_lines": info.rows.get("transactions", 0),
               "activity_rows": info.rows.get("activities", 0),
               "customers": len(result.pnl)}
    customers = period_cents(result.pnl)
    for grain in ("quarter", "month"):
        frame = buckets(info.first_date, info.last_date, grain=grain)
        args = {"grain": grain, "buckets": list(frame["bucket"]),
                "weights": list(frame["weight"]), "rates": result.rate_table}
        series, usage, cpu = [], [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            store.trend_series(customers, **args)
            series.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            start = time.perf_counter()
            store.trend_utilisation(**args)
            usage.append(time.perf_counter() - start)
        figures[f"series_{grain}_s"] = statistics.median(series)
        figures[f"series_{grain}_cpu_s"] = statistics.median(cpu)
        figures[f"utilisation_{grain}_s"] = statistics.median(usage)
    store.close()
    return figures


def warm(db: Path, runs: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import pages.ui.trends_ui as trends_ui

    os.environ["PROFITLENS_DB"] = str(db)
    st.cache_resource.clear()
    st.cache_data.clear()
    real = trends_ui.trends_ui
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.run()  # the caches filled: customer table, analysis, trend
    assert not app.exception, app.exception
    timings: dict[bool, list[float]] = {True: [], False: []}
    for i in range(2 * runs):
        with_trend = i % 4 in (0, 3)  # with, without, without, with, ...
        trends_ui.trends_ui = real if with_trend else (lambda selection: None)
        start = time.perf_counter()
        app.run()
        timings[with_trend].append(time.perf_counter() - start)
        assert not app.exception, app.exception
    trends_ui.trends_ui = real
    with_s, without_s = (statistics.median(timings[k]) for k in (True, False))
    return {"overview_run_with_trend_s": with_s, "overview_run_without_trend_s": without_s,
            "trend_extra_warm_s": with_s - without_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "bench-data" / "store-100000.duckdb"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store.duckdb"
        shutil.copy(args.db, db)
        figures = cold(db, args.runs)
        figures.update(warm(db, args.runs))
    for key, value in figures.items():
        print(f"{key:34} {value:,.3f}" if isinstance(value, float) else f"{key:34} {value:,}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "trends.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
