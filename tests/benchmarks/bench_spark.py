"""Benchmark: the cube build on DuckDB and on Spark local, in the same run.

Run from the repository root (needs ``requirements-spark.txt`` and Java)::

    python tests/benchmarks/bench_spark.py [FOLDER ...] [--master local[2]]

Without a folder it writes the embedded sample (2,000 customers, seed 7) to a temporary
folder; ``bench-data/sample-100000`` (6.3 million lines) is the large case. For each
folder it measures:

- **DuckDB**: the store's validated load of the folder (``Store.load_files`` into a
  temporary store file, the cube included when the loader builds it), then the cube
  build alone (``data/engines/duck.py``: the same files, results as Arrow);
- **Spark**: the session start (once, the JVM), then ``build_cube``: reading and checking
  ``transactions`` and ``activities`` (one parse, kept in memory or on disk) and the four
  cube build queries, results as Arrow; run again when the first took under a minute
  (a warm JVM).

Results go to stdout and ``tests/benchmarks/out/spark.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))


def duckdb_side(folder: Path, work: Path) -> dict:
    from data import Store
    from data.contract import TABLE_ORDER
    from data.engines import duck
    from data.sources import table_files

    store = Store(work / f"{folder.name}.duckdb")
    try:
        files, _ = table_files(folder, TABLE_ORDER)
        start = time.perf_counter()
        store.load_files(files, source=f"Folder: {folder.name}")
        load = time.perf_counter() - start
        with store.cursor() as cur:
            lines = cur.execute("select count(*) from transactions").fetchall()[0][0]
            tables, seconds = duck.build_cube(cur)
    finally:
        store.close()
    return {"lines": lines, "load_s": load, "cube_s": seconds["total"],
            "rows": {name: t.num_rows for name, t in tables.items()}}


def spark_side(spark, folder: Path) -> dict:
    from data.engines.spark import build_cube

    result = build_cube(spark, folder)
    return {"read_s": result.seconds["read"], "total_s": result.seconds["total"],
            "steps_s": result.seconds,
            "rows": {name: t.num_rows for name, t in result.tables.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    args = parser.parse_args(argv)
    from data.engines.spark import session
    from data.sample import write_sample

    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    folders = list(args.folders)
    if not folders:
        folders = [work / "sample"]
        write_sample(folders[0], customers=2000, seed=7)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        spark = session(args.master, conf={"spark.driver.memory": args.driver_memory})
    started = time.perf_counter() - start
    print(f"Spark session ({args.master}): {started:.1f} s", flush=True)
    results = {"master": args.master, "session_s": started, "cpus": os.cpu_count(),
               "load_average": os.getloadavg(), "folders": {}}
    for folder in folders:
        duck = duckdb_side(folder, work)
        print(f"{folder.name}: {duck['lines']:,} lines; DuckDB load {duck['load_s']:.1f} s, "
              f"cube build {duck['cube_s']:.2f} s", flush=True)
        runs = [spark_side(spark, folder)]
        if runs[0]["total_s"] < 60:  # a second run when it is cheap (a warm JVM)
            runs.append(spark_side(spark, folder))
        best = min(r["total_s"] for r in runs)
        print(f"{folder.name}: Spark build_cube " + ", ".join(
            f"{r['total_s']:.1f} s (read and check {r['read_s']:.1f} s)" for r in runs)
            + f"; best / DuckDB's load (cube included): {best / duck['load_s']:.1f}x, "
            f"/ DuckDB's cube build alone: {best / duck['cube_s']:.0f}x", flush=True)
        assert runs[0]["rows"] == duck["rows"], (runs[0]["rows"], duck["rows"])
        results["folders"][folder.name] = {"duckdb": duck, "spark": runs}
    results["load_average_after"] = os.getloadavg()
    spark.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "spark.json").write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
