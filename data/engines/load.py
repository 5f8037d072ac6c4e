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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from data.contract import SQL_TYPES, TABLES
from data.engines import ENGINES
from data.importer import Progress, quote_ident
from data.problems import DatasetError, Problem, unrated_activities

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from data.engines.spark import CubeResult
    from data.loader import LoaderMixin, LoadResult, PendingLoad
    from data.recipe import Recipe

Loader = Callable[["LoaderMixin"], "LoadResult"]
Built = TypeVar("Built", bound="CubeResult")  # what Spark built: a folder's or a recipe's cube


def loader(*, engine: str | None = None, folder: str | Path | None = None,
           recipe: Recipe | None = None, master: str | None = None,
           keep_lines: bool = True, progress: Progress | None = None,
           spark: SparkSession | None = None) -> Loader:
    """``store -> LoadResult``: the load of ``folder`` (or ``recipe``) on ``engine``, for
    :meth:`~data.loader.LoaderMixin.load_new_version` or a store in memory.

    ``keep_lines=False`` (DuckDB) keeps only the cube; Spark's stores never keep lines.
    ``spark``: a session to use (and leave running) instead of starting one on
    ``master``. ``engine=None``: the recipe's ``[source] engine`` (DuckDB without a
    recipe or a ``[source]``); a recipe's ``master`` serves unless ``master`` is given.
    An engine given explicitly wins over the recipe's, but a recipe reading a catalog
    table loads on Spark only.
    """
    engine = resolved_engine(engine, recipe)
    if (folder is None) == (recipe is None):
        raise ValueError("a load needs a folder or a recipe (one of them)")
    if recipe is not None and engine == "spark":
        master = master or recipe.source.master
    if engine == "duckdb":
        if recipe is not None:
            return lambda store: store.load_recipe(recipe, progress, keep_lines=keep_lines)
        return lambda store: store.load_folder(folder, progress, keep_lines=keep_lines)
    if recipe is not None:
        return lambda store: load_recipe_on_spark(store, recipe, master=master,
                                                  progress=progress, spark=spark)
    return lambda store: load_folder_on_spark(store, Path(folder), master=master,
                                              progress=progress, spark=spark)


def resolved_engine(engine: str | None, recipe: Recipe | None = None) -> str:
    """The engine a load runs on: ``engine`` if given, else the recipe's ``[source]
    engine``, else DuckDB; a recipe reading a catalog table refused on DuckDB."""
    chosen = engine or (recipe.source.engine if recipe is not None else "duckdb")
    if chosen not in ENGINES:
        raise ValueError(f"unknown engine {chosen!r}: one of {', '.join(ENGINES)}")
    if chosen == "duckdb" and recipe is not None and recipe.source.table:
        raise DatasetError([Problem(
            f"recipe {recipe.name}", f"source.table: reads the catalog table "
            f"{recipe.source.table}, which only the Spark engine can read: drop --engine "
            "duckdb")])
    return chosen


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
    small = _small_tables(files, engine.CUBE_INPUTS)
    built = _build_on_spark(engine, lambda session: engine.build_cube(session, folder),
                            master=master, spark=spark, progress=progress)
    name = folder.resolve().name or str(folder)
    pending = store.stage_files(small, source=f"Folder {name} (Spark)",
                                require_transactions=False)
    read = {t: files[t].name for t in engine.CUBE_INPUTS if t in files}
    return _commit_built(store, pending, built, read=read,
                         activities=files.get("activities"), progress=progress)


def _small_tables(files: dict, spark_reads: tuple[str, ...]) -> dict[str, Path]:
    """The tables the DuckDB importer reads on a Spark load (those Spark does not read),
    each one file; refused with the reason otherwise, before Spark starts."""
    small = {t: Path(p) for t, p in files.items() if t not in spark_reads}
    problems = [Problem(p.name, "is a folder of parts: Spark reads the transactions and "
                        "activities only; give the small tables (customers, rates, "
                        "resources) as one file each (CSV, Excel or Parquet)")
                for p in small.values() if p.is_dir()]
    if "activities" in files and "rates" not in files:
        problems.append(Problem(Path(files["activities"]).name, "needs a rates file to "
                                "cost its activities (rates.csv with activity and "
                                "cost_per_unit, or resource and unit_time)"))
    if problems:
        raise DatasetError(problems)
    return small


@contextmanager
def _spark(engine, master: str | None, spark: SparkSession | None,
           progress: Progress) -> Iterator[SparkSession]:
    """``spark``, or a session this process already runs on the same master (a test's,
    a notebook's: used and left running), or a new one on ``master``, stopped after."""
    own = spark is None
    if own and engine.unavailable() is None:
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
        yield spark
    finally:
        if own:
            spark.stop()


def load_recipe_on_spark(store: LoaderMixin, recipe: Recipe, *, master: str | None = None,
                         progress: Progress | None = None,
                         spark: SparkSession | None = None) -> LoadResult:
    """Load a recipe with Spark reading its lines (the transactions file, CSV or
    Parquet, or the ``[source] table``) and activities and building the cube
    (:func:`data.engines.spark.build_recipe_cube`: mapping, stated date formats, derived
    money columns, drivers, customers from the lines); the small tables through the
    DuckDB importer, the drivers' rates and the recipe's resources added to them with
    the importer's checks; then one commit, as a folder's."""
    from data.engines import spark as engine
    from data.loader import _driver_sources
    from data.recipe import LoadOptions

    progress = progress or (lambda fraction, text: None)
    files = recipe.files()
    small = _small_tables(files, engine.CUBE_INPUTS)
    built = _build_on_spark(engine, lambda session: engine.build_recipe_cube(session, recipe),
                            master=master, spark=spark, progress=progress)
    options = recipe.options()
    source = f"Recipe: {recipe.name} (Spark)"
    display = {t: p.name for t, p in small.items()}
    with store.temp_dir("spark-recipe-") as work:
        if built.customers is not None:
            # The customers Spark took from the lines, read back by the importer (its
            # checks and types), as text.
            import pyarrow.parquet as pq

            small["customers"] = Path(work) / "customers.parquet"
            pq.write_table(built.customers, small["customers"])
            display["customers"] = f"{built.lines} (customer attributes)"
        mappings = {t: m for t, m in recipe.mappings().items()
                    if t in small and not (t == "customers" and built.customers is not None)}
        pending = store.stage_files(
            small, mappings=mappings, display_names=display, source=source,
            options=LoadOptions(
                date_formats={t: f for t, f in options.date_formats.items() if t in small},
                origin=recipe.name),
            require_transactions=False)
    read = {"transactions": built.lines}
    if "activities" in files:
        read["activities"] = files["activities"].name
    elif recipe.drivers:
        read["activities"] = f"from {built.lines} (drivers)"
    return _commit_built(store, pending, built, read=read,
                         activities=files.get("activities"), progress=progress,
                         prepare=lambda staged: _recipe_rows(store, staged, recipe),
                         driver_sources=_driver_sources(options, built.lines, source))


def _build_on_spark(engine, build: Callable[[SparkSession], Built], *, master: str | None,
                    spark: SparkSession | None, progress: Progress) -> Built:
    """What ``build(session)`` builds on Spark (a session from :func:`_spark`), between
    the loaders' progress lines; the data's problems Spark found as a
    :class:`~data.problems.DatasetError`."""
    with _spark(engine, master, spark, progress) as session:
        progress(0.05, "Reading and summarising the invoice lines on Spark")
        try:
            built = build(session)
        except engine.SparkDataError as error:
            raise DatasetError(_problems(error)) from None
    progress(0.8, "Reading the customers and rates")
    return built


def _commit_built(store: LoaderMixin, pending: PendingLoad, built: Built, *,
                  read: dict[str, str], activities: Path | None, progress: Progress,
                  prepare: Callable[[PendingLoad], PendingLoad] | None = None,
                  **fields) -> LoadResult:
    """The staged small tables (``prepare``-d first) committed with the cube Spark
    ``built``: every activity Spark read must have a rate (else the stages are dropped and
    the problems raised); Spark's rows, columns and warnings merged into the pending
    load's, ``read`` (table -> what Spark read, as shown) into its files; ``fields``: more
    of :class:`~data.loader.PendingLoad`'s to set."""
    try:
        if prepare is not None:
            pending = prepare(pending)
        _check_rates(store, pending, built.tables["cube_activity_month"], activities)
    except DatasetError:
        store.discard(pending)
        raise
    pending = dataclasses.replace(
        pending,
        files={**pending.files, **read},
        rows={**pending.rows, **built.rows},
        columns={**pending.columns, **built.columns},
        warnings=tuple(built.warnings) + pending.warnings,
        activity_file=activities.name if activities is not None else None,
        **fields,
    )
    return store.commit(pending, progress, cube_tables=built.tables)


def _recipe_rows(store, pending, recipe: Recipe):
    """The drivers' rates and the recipe's ``[[resources]]`` added to the staged small
    tables (created when no file gave them), with the importer's checks: a name both the
    recipe's and a file's, a driver's resource that no resource table has. The pending
    load with its stages and row counts updated."""
    from data.catalog import STAGE_PREFIX

    stages, rows = dict(pending.stages), dict(pending.rows)
    columns, files = dict(pending.columns), dict(pending.files)
    problems: list[Problem] = []
    with store.cursor() as cur:
        def stage(table: str) -> str:
            if table not in stages:
                stages[table] = f"{STAGE_PREFIX}{pending.token}_{table}"
                files[table] = f"from {recipe.name} (drivers)"
                ddl = ", ".join(f"{quote_ident(c.name)} {SQL_TYPES[c.kind]}"
                                for c in TABLES[table].stored)
                cur.execute(f"CREATE TABLE {quote_ident(stages[table])} ({ddl})")
            return quote_ident(stages[table])

        def clashes(table: str, key: str, names: list[str], what: str) -> None:
            if table not in stages or not names:
                return
            found = cur.execute(
                f"SELECT DISTINCT {key} FROM {quote_ident(stages[table])} WHERE "
                f"list_contains(?, {key}) ORDER BY 1", [names]).fetchall()
            article = "an" if key[0] in "aeiou" else "a"
            problems.extend(Problem(
                recipe.name, f"is both {what} of the recipe and {article} {key} in "
                f"{pending.files.get(table, table)}: rename one of them", column=key,
                value=value) for (value,) in found)

        drivers, resources = recipe.drivers, recipe.resources
        clashes("rates", "activity", [d.activity for d in drivers], "a driver")
        clashes("resources", "resource", [r.resource for r in resources], "a resource")
        if problems:
            raise DatasetError(problems)
        if resources:
            cur.executemany(
                f"INSERT INTO {stage('resources')} (resource, cost, capacity) VALUES "
                "(?, ?, ?)", [[r.resource, r.cost, r.capacity] for r in resources])
        if drivers:
            cur.executemany(
                f"INSERT INTO {stage('rates')} (activity, cost_per_unit, resource, "
                "unit_time, relationship) VALUES (?, ?, ?, ?, ?)",
                [[d.activity, d.cost_per_unit, d.resource, d.unit_time, d.relationship]
                 for d in drivers])
        known = {row[0] for row in cur.execute(
            f"SELECT resource FROM {quote_ident(stages['resources'])}").fetchall()} \
            if "resources" in stages else None
        for number, driver in enumerate(drivers, start=1):
            if driver.resource is None or (known is not None and driver.resource in known):
                continue
            message = (f"is not in {pending.files.get('resources', 'the resources')}"
                       if known is not None else "names a resource but the dataset has no "
                       "resources (a file, or the recipe's [[resources]])")
            problems.append(Problem(recipe.name, message, column=f"drivers[{number}].resource",
                                    value=driver.resource))
        if problems:
            raise DatasetError(problems)
        for table, given in (("rates", drivers), ("resources", resources)):
            if given:
                rows[table] = cur.execute(
                    f"SELECT count(*) FROM {quote_ident(stages[table])}").fetchall()[0][0]
                columns[table] = list(dict.fromkeys(
                    [*columns.get(table, []), *(c.name for c in TABLES[table].columns)]))
    return dataclasses.replace(pending, stages=stages, rows=rows, columns=columns,
                               files=files)


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
        raise DatasetError(unrated_activities(
            activities.name, pending.files.get("rates", "rates"),
            [(name, None, None) for name in missing]))


def _problems(error) -> list[Problem]:
    """A :class:`~data.engines.spark.SparkDataError`'s sentences as problems (the file
    before the first colon)."""
    out = []
    for text in error.problems:
        file, sep, message = text.partition(": ")
        out.append(Problem(file, message) if sep else Problem("dataset", text))
    return out
