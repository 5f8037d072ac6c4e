"""``load|report --engine duckdb|spark [--spark-master URL]`` and ``load --lines drop``:
a store that keeps the customer-month cube only (issue 13). The Spark engine's own runs
are in ``tests/spark/``; here the DuckDB side and the arguments, without Spark."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from analytics.cli import main
from data import Store
from data.versions import current_file


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine") / "sample"
    assert main(["sample", str(folder), "--customers", "300", "--seed", "5"]) == 0
    return folder


@pytest.fixture(scope="module")
def stores(small_sample, tmp_path_factory):
    """The same folder loaded twice: keeping the lines, and dropping them."""
    root = tmp_path_factory.mktemp("stores")
    kept, dropped = root / "kept.duckdb", root / "dropped.duckdb"
    assert main(["load", str(small_sample), "--db", str(kept)]) == 0
    assert main(["load", str(small_sample), "--db", str(dropped), "--lines", "drop"]) == 0
    return kept, dropped


def _report(tmp_path, *args) -> dict[str, str]:
    out = tmp_path / "out"
    assert main(["report", *args, "--out", str(out)]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def test_a_store_without_lines_reports_the_same_to_the_cent(stores, tmp_path):
    kept, dropped = stores
    with_lines = _report(tmp_path / "a", "--db", str(kept))
    without = _report(tmp_path / "b", "--db", str(dropped))
    assert without == with_lines
    summary = json.loads(without["summary.json"])
    assert summary["customers"] == 300
    pnl = pd.read_csv(tmp_path / "b" / "out" / "customer_pnl.csv")
    assert round(pnl["net_revenue"].sum(), 2) == summary["net_revenue"]


def test_whole_months_agree_and_a_partial_month_is_prorated(stores, tmp_path):
    kept, dropped = stores
    store = Store(kept)
    try:
        first, last = store.info().first_date, store.info().last_date
    finally:
        store.close()
    # Whole months: the first full month of the data to the end of a later month.
    start = (pd.Timestamp(first) + pd.offsets.MonthBegin(1)).date()
    end = (pd.Timestamp(start) + pd.DateOffset(months=6) - pd.Timedelta(days=1)).date()
    period = ["--start", start.isoformat(), "--end", end.isoformat()]
    assert _report(tmp_path / "a", "--db", str(kept), *period) == \
        _report(tmp_path / "b", "--db", str(dropped), *period)
    # A period ending mid-month: the store without lines prorates that month by days.
    mid = ["--start", start.isoformat(), "--end", (end + pd.Timedelta(days=15)).isoformat()]
    exact = json.loads(_report(tmp_path / "c", "--db", str(kept), *mid)["summary.json"])
    prorated = json.loads(_report(tmp_path / "d", "--db", str(dropped), *mid)["summary.json"])
    assert exact["net_revenue"] != prorated["net_revenue"]
    assert abs(exact["net_revenue"] - prorated["net_revenue"]) < 0.05 * exact["net_revenue"]
    assert last > end


def test_the_store_without_lines_is_small_and_says_so(stores, capsys):
    kept, dropped = stores
    sizes = [current_file(str(db)) for db in (kept, dropped)]
    kept_size, dropped_size = (os.path.getsize(f) for f in sizes)
    # The dropped lines' blocks are not in the file (a DuckDB file does not shrink by
    # itself: without the compaction both were 15 MB for the 2,000-customer sample).
    assert dropped_size < 0.75 * kept_size, (kept_size, dropped_size)
    store = Store(dropped)
    try:
        info = store.info()
        assert info.lines_kept is False
        assert info.rows["transactions"] > 40_000  # the lines read are still counted
        with store.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM transactions").fetchall() == [(0,)]
            assert cur.execute("SELECT count(*) FROM activities").fetchall() == [(0,)]
            sources = cur.execute("SELECT kind, count(*) FROM activity_sources "
                                  "GROUP BY kind").fetchall()
        assert sources and all(kind == "file" for kind, _ in sources)
    finally:
        store.close()
    assert Store(kept).info().lines_kept is True


def test_load_says_the_lines_were_dropped(small_sample, tmp_path, capsys):
    assert main(["load", str(small_sample), "--db", str(tmp_path / "s.duckdb"),
                 "--lines", "drop"]) == 0
    assert "keeps the monthly totals only" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--spark-master", "local[2]"], "--spark-master goes with --engine spark"),
    (["--engine", "spark", "--lines", "keep"], "the Spark engine keeps no invoice lines"),
    (["--engine", "oracle"], "invalid choice: 'oracle'"),
    (["--lines", "some"], "invalid choice: 'some'"),
])
def test_engine_arguments_are_checked(small_sample, tmp_path, capsys, args, message):
    assert main(["load", str(small_sample), "--db", str(tmp_path / "s.duckdb"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s.duckdb.current").exists()


def test_without_spark_the_engine_says_what_is_missing(small_sample, tmp_path, capsys,
                                                        monkeypatch):
    import data.engines.spark as spark

    monkeypatch.setattr(spark, "unavailable", lambda: "PySpark is not installed "
                        "(pip install -r requirements-spark.txt)")
    assert main(["report", str(small_sample), "--engine", "spark",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "The Spark engine cannot start: PySpark is not installed" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_spark_refuses_a_folder_of_parts_for_a_small_table(small_sample, tmp_path, capsys):
    import shutil

    folder = tmp_path / "parts"
    shutil.copytree(small_sample, folder)
    (folder / "customers").mkdir()
    (folder / "customers.csv").rename(folder / "customers" / "part-0.csv")
    assert main(["load", str(folder), "--engine", "spark",
                 "--db", str(tmp_path / "s.duckdb")]) == 2
    assert "customers: is a folder of parts" in capsys.readouterr().err


def _recipe(folder, tmp_path, source: str,
            tables=("transactions", "activities", "rates", "resources", "customers")):
    lines = "\n".join(f'[{t}]\nfile = "{folder / (t + ".csv")}"' for t in tables)
    path = tmp_path / "r.toml"
    path.write_text(f"{source}\n{lines}\n", encoding="utf-8")
    return path


def test_an_explicit_engine_wins_over_the_recipes(small_sample, tmp_path, capsys):
    # The recipe says Spark; --engine duckdb on the command line loads it on DuckDB (no
    # Spark started: the store keeps its lines).
    recipe = _recipe(small_sample, tmp_path, '[source]\nengine = "spark"\n')
    db = tmp_path / "s.duckdb"
    assert main(["load", "--recipe", str(recipe), "--db", str(db),
                 "--engine", "duckdb"]) == 0
    store = Store(db)
    try:
        assert store.info().lines_kept is True
    finally:
        store.close()
    # --spark-master with a recipe saying Spark is not refused as "without --engine spark"
    # (checked before any Spark starts: --lines keep contradicts it).
    assert main(["load", "--recipe", str(recipe), "--db", str(db), "--lines", "keep",
                 "--spark-master", "local[1]"]) == 2
    assert "the Spark engine keeps no invoice lines" in capsys.readouterr().err


def test_a_catalog_table_cannot_load_on_duckdb(small_sample, tmp_path, capsys):
    recipe = _recipe(small_sample, tmp_path, '[source]\nengine = "spark"\n'
                     'table = "sales.order_lines"\n[transactions]\n',
                     tables=("activities", "rates", "resources"))
    assert main(["load", "--recipe", str(recipe), "--db", str(tmp_path / "s.duckdb"),
                 "--engine", "duckdb"]) == 2
    err = capsys.readouterr().err
    assert "reads the catalog table sales.order_lines, which only the Spark engine" in err


def test_a_cube_out_of_memory_at_the_commit_is_said_plainly(stores, small_sample, tmp_path,
                                                            monkeypatch):
    # 60 million lines at the default 2 GB limit ran out of memory building the cube in
    # the commit, and showed DuckDB's own message: now the loader's sentence, and the
    # store keeps its previous dataset.
    import duckdb

    from data import cube
    from data.problems import DatasetError

    def full(cur):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate")

    kept, _ = stores
    store = Store(kept)
    try:
        before = store.info().version
        monkeypatch.setattr(cube, "build", full)
        with pytest.raises(DatasetError) as error:
            store.load_folder(small_sample)
        assert f"may use ({store.memory_limit})" in str(error.value)
        assert store.info().version == before
    finally:
        store.close()
