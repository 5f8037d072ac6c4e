"""A load on the chosen engine: DuckDB (the store reads every file itself) or Spark (Spark
reads the invoice lines and activities and builds the customer-month cube; the store
keeps that cube and the small tables, no lines).

``python -m analytics load|report … --engine duckdb|spark [--spark-master URL]`` comes
here. On Spark, the small tables (customers, rates, resources) go through the DuckDB
importer as on any load, so their problems are worded as always (file, line, column,
value); the lines' problems are Spark's (file, column, count and a bad value; for a
local folder of files, the importer's words: :func:`data.engines.spark.read_dataset`).
The commit writes the Arrow cube into the store's new version with ``lines_kept``
false, in one transaction with the small tables (:meth:`data.loader.LoaderMixin.commit`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from data.engines import ENGINES
from data.importer import Progress, quote_ident
from data.problems import DatasetError, Problem

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from data.loader import LoaderMixin, LoadResult
    from data.recipe import Recipe

Loader = Callable[["LoaderMixin"], "LoadResult"]


def loader(*, engine: str = "duckdb", folder: str | Path | None = None,
           recipe: Recipe | None = None, master: str | None = None,
           keep_lines: bool = True, progress: Progress | None = None,
           spark: SparkSession | None = None) -> Loader:
    """``store -> LoadResult``: the load of ``folder`` (or ``recipe``) on ``engine``, for
    :meth:`~data.loader.LoaderMixin.load_new_version` or a store in memory.

    ``keep_lines=False`` (DuckDB) keeps only the cube; Spark's stores never keep lines.
    ``spark``: a session to use (and leave running) instead of starting one on
    ``master``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if (folder is None) == (recipe is None):
        raise ValueError("a load needs a folder or a recipe (one of them)")
    if engine == "duckdb":
        if recipe is not None:
            return lambda store: store.load_recipe(recipe, progress, keep_lines=keep_lines)
        return lambda store: store.load_folder(folder, progress, keep_lines=keep_lines)
    if recipe is not None:
        raise DatasetError([Problem(
            f"recipe {recipe.name}", "the Spark engine does not read recipes yet: load it "
            "with --engine duckdb, or give Spark a folder in the contract's layout")])
    return lambda store: load_folder_on_spark(store, Path(folder), master=master,
                                              progress=progress, spark=spark)


def load_folder_on_spark(store: LoaderMixin, folder: Path, *, master: str | None = None,
                         progress: Progress | None = None,
                         spark: SparkSession | None = None) -> LoadResult:
    """Load a contract-layout folder with Spark building the cube (see the module)."""
    from data.engines import spark as engine

    progress = progress or (lambda fraction, text: None)
    try:
        files = engine.dataset_files(folder)
    except engine.SparkDataError as error:
        raise DatasetError(_problems(error)) from None
    small = {t: p for t, p in files.items() if t not in engine.CUBE_INPUTS}
    problems = [Problem(p.name, "is a folder of parts: Spark reads the transactions and "
                        "activities only; give the small tables (customers, rates, "
                        "resources) as one file each (CSV, Excel or Parquet)")
                for p in small.values() if p.is_dir()]
    if "activities" in files and "rates" not in files:
        problems.append(Problem(files["activities"].name, "needs a rates file to cost its "
                                "activities (rates.csv with activity and cost_per_unit, or "
                                "resource and unit_time)"))
    if problems:
        raise DatasetError(problems)
    own = spark is None
    if own and engine.unavailable() is None:
        # A session this process already runs on the same master (a test's, a
        # notebook's) is used and left running.
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None and master in (None, active.sparkContext.master):
            spark, own = active, False
    if own:
        progress(0.02, "Starting Spark")
        try:
            spark = _session(engine, master)
        except engine.SparkUnavailable as error:
            raise DatasetError([Problem("Spark engine", str(error))]) from None
    try:
        progress(0.05, "Reading and summarising the invoice lines on Spark")
        try:
            built = engine.build_cube(spark, folder)
        except engine.SparkDataError as error:
            raise DatasetError(_problems(error)) from None
    finally:
        if own:
            spark.stop()
    progress(0.8, "Reading the customers and rates")
    name = folder.resolve().name or str(folder)
    pending = store.stage_files(small, source=f"Folder {name} (Spark)",
                                require_transactions=False)
    try:
        _check_rates(store, pending, built.tables["cube_activity_month"],
                     files.get("activities"))
    except DatasetError:
        store.discard(pending)
        raise
    read = {t: files[t].name for t in engine.CUBE_INPUTS if t in files}
    pending = dataclasses.replace(
        pending,
        files={**pending.files, **read},
        rows={**pending.rows, **built.rows},
        columns={**pending.columns, **built.columns},
        warnings=tuple(built.warnings) + pending.warnings,
        activity_file=read.get("activities"),
    )
    return store.commit(pending, progress, cube_tables=built.tables)


def _session(engine, master: str | None):
    """A session for a load: on a master this process launches (not Spark Connect), the
    JVM logs errors only (``log4j2.properties`` beside this file); PySpark's warning
    that it does not fully support pandas 3 is not shown (the engine hands Spark Arrow
    tables only)."""
    import warnings

    conf = {}
    if not (master or "").startswith("sc://"):
        config = Path(__file__).with_name("log4j2.properties").resolve().as_uri()
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={config}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return engine.session(master, conf=conf)


def _check_rates(store, pending, activity_months, activities: Path | None) -> None:
    """Every activity Spark read has a rate in the staged rates (the importer's rule,
    checked on the cube's activity names)."""
    stage = pending.stages.get("rates")
    if activities is None or stage is None:
        return
    import pyarrow.compute as pc

    names = set(pc.unique(activity_months["activity"]).to_pylist())
    with store.cursor() as cur:
        rated = {row[0] for row in cur.execute(
            f"SELECT activity FROM {quote_ident(stage)}").fetchall()}
    missing = sorted(n for n in names - rated if n is not None)
    if missing:
        raise DatasetError([
            Problem(activities.name, f"has no rate in {pending.files.get('rates', 'rates')}",
                    column="activity", value=name)
            for name in missing[:20]
        ] + ([Problem(activities.name, f"{len(missing) - 20:,} more activity name(s) have "
                      "no rate", column="activity")] if len(missing) > 20 else []))


def _problems(error) -> list[Problem]:
    """A :class:`~data.engines.spark.SparkDataError`'s sentences as problems (the file
    before the first colon)."""
    out = []
    for text in error.problems:
        file, sep, message = text.partition(": ")
        out.append(Problem(file, message) if sep else Problem("dataset", text))
    return out
