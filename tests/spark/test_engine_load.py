"""``python -m analytics load|report --engine spark``: Spark builds the cube, the store
keeps it with the small tables and no lines, and every figure equals the DuckDB engine's
(issue 13, items 2, 3 and 5)."""

from __future__ import annotations

import pytest

from analytics.cli import main
from data import Store
from data.cube import CUBE_TABLES
from data.sample import write_sample


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine-load") / "sample"
    write_sample(path, customers=150, seed=13)
    return path


def _types(db) -> dict[str, list[tuple[str, str]]]:
    store = Store(db)
    try:
        with store.cursor() as cur:
            return {t: [tuple(r[:2]) for r in cur.execute(f"DESCRIBE {t}").fetchall()]
                    for t in CUBE_TABLES}
    finally:
        store.close()


def _report(out, *args) -> dict[str, str]:
    assert main(["report", *args, "--out", str(out)]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


def test_a_spark_store_reports_as_the_duckdb_engine(spark, folder, tmp_path, capsys):
    on_spark, on_duck = tmp_path / "spark.duckdb", tmp_path / "duck.duckdb"
    assert main(["load", str(folder), "--engine", "spark", "--db", str(on_spark)]) == 0
    printed = capsys.readouterr().out
    assert "keeps the monthly totals only" in printed
    assert main(["load", str(folder), "--db", str(on_duck), "--lines", "drop"]) == 0
    # The Arrow cube lands with the types DuckDB's own build gives.
    assert _types(on_spark) == _types(on_duck)
    spark_files = _report(tmp_path / "a", "--db", str(on_spark))
    assert spark_files == _report(tmp_path / "b", "--db", str(on_duck))
    # report straight from the folder on Spark: the same files again.
    assert _report(tmp_path / "c", str(folder), "--engine", "spark") == spark_files
    store = Store(on_spark)
    try:
        info = store.info()
        assert info.lines_kept is False and info.source.endswith("(Spark)")
        assert info.rows["transactions"] == sum(
            1 for _ in (folder / "transactions.csv").open(encoding="utf-8")) - 1
    finally:
        store.close()


def test_spark_refuses_an_activity_without_a_rate(spark, folder, tmp_path, capsys):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    with (bad / "activities.csv").open("a", encoding="utf-8") as out:
        out.write(f"{_first_customer(folder)},Site visit,2,2024-03-01\n")
    db = tmp_path / "s.duckdb"
    assert main(["load", str(bad), "--engine", "spark", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert 'activities.csv, activity: "Site visit" has no rate in rates.csv' in err
    assert not (tmp_path / "s.duckdb.current").exists()


def test_spark_words_many_unrated_activities_as_the_importer(spark, folder, tmp_path):
    """23 activity names without a rate: Spark names the first 20 and counts the rest,
    as the DuckDB importer does (less the line and row count Spark does not know), and
    leaves no dataset and no staged table behind."""
    import dataclasses
    import re
    import shutil

    from data.engines.load import load_folder_on_spark
    from data.problems import DatasetError

    bad = tmp_path / "many"
    shutil.copytree(folder, bad)
    with (bad / "activities.csv").open("a", encoding="utf-8") as out:
        out.writelines(f"{_first_customer(folder)},Task {i:02d},2,2024-03-01\n"
                       for i in range(23))
    said = {}
    for engine in ("duckdb", "spark"):
        store = Store(tmp_path / f"{engine}.duckdb")
        try:
            if engine == "spark":
                load_folder_on_spark(store, bad, spark=spark)
            else:
                store.load_folder(bad)
        except DatasetError as error:
            said[engine] = error.problems
        finally:
            with store.cursor() as cur:
                staged = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE "
                                     "table_name LIKE '\\_stage\\_%' ESCAPE '\\'").fetchall()
            assert staged == [(0,)]
            assert store.info() is None
            store.close()
    assert len(said["spark"]) == 21
    assert str(said["spark"][-1]) == ("activities.csv, activity: 3 more activity name(s) "
                                      "have no rate")
    assert said["spark"] == [
        dataclasses.replace(p, line=None, message=re.sub(r" \(\d+ row\(s\)\)$", "", p.message))
        for p in said["duckdb"]]


def _first_customer(folder) -> str:
    with (folder / "customers.csv").open(encoding="utf-8") as lines:
        next(lines)
        return next(lines).split(",")[0]
