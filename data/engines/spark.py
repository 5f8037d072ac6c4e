"""The Spark engine: a contract-layout dataset -> the customer-month cube, on Apache Spark.

Three parts:

* :func:`session`: a SparkSession for a master: ``local[*]`` (default; tests and
  laptops), a cluster master URL (``spark://host:7077``, ``yarn``...) or a Spark Connect
  URL (``sc://host:15002``, through ``SparkSession.builder.remote``; needs the Connect
  client's packages, in ``requirements-spark.txt``). The settings the cube build relies on
  are set explicitly (:data:`SETTINGS`): ANSI mode on, the session time zone UTC.
* :func:`read_dataset`: the contract's tables from a folder (``<table>.csv``,
  ``<table>.parquet``, or a folder ``<table>/`` of Parquet or CSV parts) with the
  contract's types applied explicitly (ids and text trimmed, money ``DECIMAL(18,4)``,
  numbers ``DOUBLE``, ISO dates, yes/no and choice columns as the importer reads them),
  and the importer's per-value checks (empty required cells, unreadable numbers and
  dates, out of range, negative where not allowed) refused with the file, the column and
  a bad value; Spark cannot say on which line of a file a value was (no line order), so
  the message gives the count and the first bad value instead; for a local folder of
  files the DuckDB importer then words the problems (file, line, column, value).
* :func:`build_cube`: runs the cube build files ``data/sql/cube_build_*.sql`` (DuckDB's
  dialect, transpiled by :mod:`data.engines.sql`) and returns the cube's small tables as
  Arrow tables, to be written into a DuckDB store.

PySpark is imported inside the functions only: this module imports without it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from data.contract import FALSE_WORDS, TABLE_ORDER, TABLES, TRUE_WORDS, Column, normalise_header
from data.dates import YEARS
from data.engines import CUBE_BUILD, REFERENCE_VIEW
from data.engines.sql import spark_sql
from data.importer import LARGEST, LARGEST_TEXT

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[*]"
# The tables the cube is built from: the heavy ones. The small ones (customers, rates,
# resources) are a load's business, through the DuckDB importer and its messages.
CUBE_INPUTS = ("transactions", "activities")
# Settings the cube build's results depend on, set whatever the cluster's defaults are.
SETTINGS = {
    # ANSI mode (Spark 4's default, set explicitly): an overflow or a division by zero
    # raises instead of giving NULL. The build SQL never divides by a value that can be
    # zero (the reference price's quantity > 0 filter), so ANSI mode only turns a bug or
    # an impossible overflow into an error instead of a silent NULL.
    "spark.sql.ansi.enabled": "true",
    # date_trunc works on timestamps: in UTC a date's month is its calendar month.
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
# Settings for the local master only (no effect on, or not ours to set for, a cluster).
LOCAL_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
}
CSV_OPTIONS = {
    "header": "true",
    "encoding": "UTF-8",
    "quote": '"',
    "escape": '"',  # RFC 4180: a quote inside a quoted cell is doubled
    "mode": "PERMISSIVE",
    "multiLine": "false",
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
}
SPARK_TYPES = {
    "id": "STRING",
    "text": "STRING",
    "money": "DECIMAL(18,4)",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "choice": "STRING",
}


class SparkUnavailable(RuntimeError):
    """PySpark or a Java runtime is missing."""


class SparkDataError(ValueError):
    """A dataset the Spark engine refuses: the problems, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def unavailable() -> str | None:
    """Why the Spark engine cannot run here (PySpark or Java missing), or None.

    >>> unavailable() is None or isinstance(unavailable(), str)
    True
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -r requirements-spark.txt)"
    java_home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (java_home and Path(java_home, "bin", "java").exists())):
        return ("no Java runtime (java not on PATH, no JAVA_HOME): install one, e.g. "
                "Debian's openjdk-17-jre-headless")
    return None


def session(master: str | None = None, *, app_name: str = "ProfitLens",
            conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession on ``master`` (``local[*]`` by default) with :data:`SETTINGS`.

    ``sc://host:port`` connects through Spark Connect (``SparkSession.builder.remote``);
    anything else is a master URL (``local[N]``, ``spark://host:7077``, ``yarn``...).
    ``conf`` adds or overrides settings (``spark.sql.shuffle.partitions``...).
    """
    reason = unavailable()
    # A Spark Connect client needs no Java, only PySpark (and its Connect packages).
    if reason and not ((master or "").startswith("sc://") and "Java" in reason):
        raise SparkUnavailable(f"The Spark engine cannot start: {reason}.")
    from pyspark.sql import SparkSession

    master = master or DEFAULT_MASTER
    settings = dict(SETTINGS)
    if master.startswith("sc://"):
        builder = SparkSession.builder.remote(master)
    else:
        builder = SparkSession.builder.master(master)
        if master.startswith("local"):
            settings |= LOCAL_SETTINGS
            cores = _local_cores(master)
            # A small dataset in 200 shuffle partitions spends its time scheduling tasks.
            settings["spark.sql.shuffle.partitions"] = str(max(2, 2 * cores))
    settings |= conf or {}
    builder = builder.appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    # PySpark logs every failed query as a JSON blob before raising it: the caller gets
    # the exception anyway.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    if not master.startswith("sc://"):
        spark.sparkContext.setLogLevel("ERROR")
    return spark


def _local_cores(master: str) -> int:
    match = re.fullmatch(r"local\[(\d+)(,\d+)?\]", master)
    if match:
        return int(match.group(1))
    return os.cpu_count() or 1


# --- reading a contract-layout folder ------------------------------------------------


def dataset_files(folder: str | Path) -> dict[str, Path]:
    """The contract's tables found in ``folder``: ``<table>.csv``, ``<table>.parquet`` or
    a folder ``<table>/`` of parts (any case); refused when a table has two."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SparkDataError([f"{folder}: not a folder."])
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        stem = path.name.lower()
        if path.is_file():
            stem, dot, ext = stem.rpartition(".")
            if not dot or ext not in ("csv", "parquet"):
                continue
        elif not path.is_dir():
            continue
        if stem in TABLES:
            found.setdefault(stem, []).append(path)
    problems = [f"{folder.name}: more than one file for table {t}: "
                + ", ".join(p.name for p in paths) for t, paths in found.items()
                if len(paths) > 1]
    if "transactions" not in found:
        problems.append(f"{folder.name}: no transactions file (transactions.csv, "
                        "transactions.parquet or a transactions/ folder).")
    if problems:
        raise SparkDataError(problems)
    return {t: found[t][0] for t in TABLE_ORDER if t in found}


def _file_format(path: Path) -> str:
    if path.is_file():
        return "parquet" if path.suffix.lower() == ".parquet" else "csv"
    parts = [p.suffix.lower() for p in path.rglob("*") if p.is_file()
             and not p.name.startswith((".", "_"))]
    return "csv" if parts and all(s == ".csv" for s in parts) else "parquet"


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _typed(col: Column, raw: str) -> str:
    """Spark SQL reading the trimmed text ``raw`` as the column's contract type."""
    kind = col.kind
    if kind in ("id", "text"):
        return raw
    if kind == "money":
        return f"try_cast({raw} AS DECIMAL(18,4))"
    if kind == "number":
        value = f"try_cast({raw} AS DOUBLE)"
        # Spark reads 'NaN' and 'Infinity' as doubles; the importer refuses them.
        return f"CASE WHEN NOT isnan({value}) AND abs({value}) < double('Infinity') " \
               f"THEN {value} END"
    if kind == "date":
        # ISO dates (the contract's default format), a time part ignored, as the importer.
        day = f"regexp_extract({raw}, '^(\\\\d{{4}}-\\\\d{{1,2}}-\\\\d{{1,2}})([ T].*)?$', 1)"
        return f"try_to_date(nullif({day}, ''), 'yyyy-M-d')"
    if kind == "boolean":
        yes, no = (", ".join(f"'{w}'" for w in words) for words in (TRUE_WORDS, FALSE_WORDS))
        number = f"try_cast({raw} AS DOUBLE)"
        return (f"CASE WHEN lower({raw}) IN ({yes}) OR {number} = 1 THEN true "
                f"WHEN lower({raw}) IN ({no}) OR {number} = 0 THEN false END")
    if kind == "choice":
        value = f"regexp_replace(lower({raw}), '[\\\\s\\\\-]+', '_')"
        listed = ", ".join(f"'{c}'" for c in col.choices)
        return f"CASE WHEN {value} IN ({listed}) THEN {value} END"
    raise ValueError(f"unknown column kind {kind}")


def _checks(col: Column, raw: str, typed: str) -> list[tuple[str, str]]:
    """(condition, message) pairs: the importer's per-value checks of one column."""
    checks = []
    if col.not_empty:
        checks.append((f"{raw} IS NULL", "is empty"))
    unreadable = f"{raw} IS NOT NULL AND {typed} IS NULL"
    if col.kind in ("money", "number"):
        wide = f"try_cast({raw} AS DOUBLE)"
        checks.append((f"coalesce(abs({wide}) >= {LARGEST:.0f}, false)",
                       f"is out of range (largest allowed {LARGEST_TEXT})"))
        checks.append((f"{unreadable} AND NOT coalesce(abs({wide}) >= {LARGEST:.0f}, false)",
                       "is not a number"))
    elif col.kind == "date":
        checks.append((unreadable, "is not a date (expected YYYY-MM-DD)"))
        checks.append((f"year({typed}) NOT BETWEEN {YEARS[0]} AND {YEARS[1]}",
                       f"is outside the years {YEARS[0]}-{YEARS[1]}"))
    elif col.kind == "boolean":
        checks.append((unreadable, "is not a yes/no value (expected true/false, yes/no, 1/0 "
                       "or y/n; empty: unknown)"))
    elif col.kind == "choice":
        checks.append((unreadable, f"must be one of {', '.join(col.choices)} (or empty: "
                       "unknown)"))
    if col.minimum == "zero":
        checks.append((f"{typed} < 0", "must not be negative"))
    if col.minimum == "positive":
        checks.append((f"{typed} <= 0", "must be greater than zero"))
    return checks


@dataclass
class SparkTable:
    """One contract table as read: the typed DataFrame and where it came from."""

    table: str
    path: Path
    frame: DataFrame
    columns: tuple[str, ...]  # the contract columns the file had
    warnings: list[str] = field(default_factory=list)
    cached: DataFrame | None = None  # the persisted parse, released after the build
    rows: int | None = None  # the rows read (counted by the checks' pass)


def read_table(spark: SparkSession, table: str, path: str | Path,
               validate: bool = True) -> SparkTable:
    """The contract table ``table`` from ``path`` (CSV or Parquet), typed and checked.

    Headers are matched as the importer matches them (trimmed, any case, spaces as
    ``_``); a missing required column or a bad value raises :class:`SparkDataError`.
    ``validate=False`` skips the per-value checks (one pass over the file fewer).
    """
    path = Path(path)
    spec = TABLES[table]
    fmt = _file_format(path)
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.options(**CSV_OPTIONS)
    source = reader.load(str(path))
    headers = {normalise_header(name): name for name in source.columns}
    missing = [c for c in spec.required_names if c not in headers]
    if missing:
        raise SparkDataError([f"{path.name}: missing column(s) {', '.join(missing)} "
                              f"(found: {', '.join(source.columns) or 'none'})."])
    present = tuple(c.name for c in spec.stored if c.name in headers)
    raw_cols, typed_cols, checks = [], [], []
    for col in spec.stored:
        if col.name not in headers:
            continue
        raw = f"r_{col.name}"
        raw_cols.append(f"nullif(trim(CAST({_q(headers[col.name])} AS STRING)), '') "
                        f"AS {raw}")
        typed = _typed(col, raw)
        typed_cols.append((col, typed))
        checks.extend((col.name, cond, msg) for cond, msg in _checks(col, raw, typed))
    staged = source.selectExpr(*raw_cols)
    out = []
    for col in spec.stored:
        target = SPARK_TYPES[col.kind]
        if col.name in headers:
            expr = next(t for c, t in typed_cols if c is col)
        elif table == "transactions" and col.name == "list_revenue":
            expr = f"{_typed(spec.column('net_revenue'), 'r_net_revenue')}"
        elif table == "transactions" and col.name == "cogs":
            expr = "0"
        else:
            expr = "NULL"
        if table == "transactions" and col.name in ("list_revenue", "cogs") \
                and col.name in headers:
            # An empty cell takes the default, as the importer does.
            default = (_typed(spec.column("net_revenue"), "r_net_revenue")
                       if col.name == "list_revenue" else "0")
            expr = f"coalesce({expr}, {default})"
        out.append(f"CAST({expr} AS {target}) AS {col.name}")
    warnings: list[str] = []
    if table == "transactions":
        for name, said in (("cogs", "COGS is taken as 0 and net margin equals net revenue"),
                           ("list_revenue", "list revenue equals net revenue (no discounts)")):
            if name not in headers:
                warnings.append(f"{path.name}: no {name} column, so {said}.")
    names = [c.name for c in spec.stored]
    if not (validate and checks):
        return SparkTable(table, path, staged.selectExpr(*out), present, warnings=warnings)
    # One parse of the file: the typed columns plus, per check, the offending text (NULL
    # on the good rows, so the extra columns cost little), kept in memory (or on disk)
    # for the checks and then the cube's queries.
    flags = [f"CASE WHEN coalesce({cond}, false) THEN coalesce(r_{column}, '') END "
             f"AS _bad{i}" for i, (column, cond, _) in enumerate(checks)]
    from pyspark import StorageLevel

    kept = staged.selectExpr(*out, *flags).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        rows = _validate(kept, checks, path.name)
    except SparkDataError:
        kept.unpersist()
        raise
    return SparkTable(table, path, kept.select(*names), present, warnings=warnings,
                      cached=kept, rows=rows)


def _validate(kept: DataFrame, checks: list[tuple[str, str, str]], display: str) -> int:
    """Each check's count and first bad value (by value), in one aggregate; the rows
    read."""
    aggregates = ["count(*) AS n_rows"]
    for i in range(len(checks)):
        aggregates += [f"count(_bad{i}) AS n{i}", f"min(_bad{i}) AS v{i}"]
    row = kept.selectExpr(*aggregates).collect()[0]
    problems = []
    for i, (column, _, message) in enumerate(checks):
        count = row[f"n{i}"]
        if count:
            value = row[f"v{i}"]
            shown = f" (for example {value!r})" if value else ""
            problems.append(f"{display}: column {column} {message}: {count:,} row(s){shown}. "
                            "Spark does not report line numbers; the DuckDB engine does.")
    if problems:
        raise SparkDataError(problems)
    return row["n_rows"]


def read_dataset(spark: SparkSession, folder: str | Path, validate: bool = True,
                 tables: tuple[str, ...] = TABLE_ORDER,
                 importer_messages: bool = True) -> dict[str, SparkTable]:
    """The contract ``tables`` found in ``folder``, read by :func:`read_table` and each
    registered as a temporary view under its name (the build SQL reads them); a missing
    one is an empty view with the contract's columns.

    Every table's problems are gathered before :class:`SparkDataError` is raised. When
    the folder holds one local file per table (not folders of parts) and
    ``importer_messages`` is on, the problems are the DuckDB importer's instead (file,
    line, column and value, exactly as the DuckDB engine words them): Spark cannot say
    which line of a file a value was on, and checking the folder again costs only when
    it is refused anyway.
    """
    folder = Path(folder)
    read: dict[str, SparkTable] = {}
    problems: list[str] = []
    files = dataset_files(folder)
    for table, path in files.items():
        if table not in tables:
            continue
        try:
            read[table] = read_table(spark, table, path, validate=validate)
        except SparkDataError as error:
            problems += error.problems
    if problems:
        for table in read.values():
            if table.cached is not None:
                table.cached.unpersist()
        if importer_messages and all(p.is_file() for p in files.values()):
            problems = importer_problems(folder) or problems
        raise SparkDataError(problems)
    for table in tables:
        if table in read:
            read[table].frame.createOrReplaceTempView(table)
        else:
            columns = ", ".join(f"CAST(NULL AS {SPARK_TYPES[c.kind]}) AS {c.name}"
                                for c in TABLES[table].stored)
            spark.sql(f"SELECT {columns} WHERE false").createOrReplaceTempView(table)
    return read


def importer_problems(folder: Path) -> list[str] | None:
    """The DuckDB importer's problems with the dataset in ``folder`` (one line each:
    file, line, column, value), or None when it accepts the folder (the Spark reader is
    stricter: plain numbers and ISO dates only) or cannot name its files."""
    from data.problems import DatasetError
    from data.sources import table_files
    from data.store import Store

    files, problems = table_files(folder, TABLE_ORDER)
    if problems or "transactions" not in files:
        return None
    with tempfile.TemporaryDirectory(prefix="profitlens-spark-check-") as work:
        store = Store(Path(work) / "check.duckdb")
        try:
            store.load_files(files, source=f"Folder: {folder.name}")
        except DatasetError as error:
            return [str(problem) for problem in error.problems]
        finally:
            store.close()
    return None


# --- the cube -------------------------------------------------------------------------


@dataclass
class CubeResult:
    """The cube's tables (Arrow) and the seconds each step took."""

    tables: dict[str, pa.Table]
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    # Per input table read: its rows and the contract columns its file had (what a
    # store's dataset record keeps).
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)


def build_cube(spark: SparkSession, folder: str | Path | None = None,
               validate: bool = True, importer_messages: bool = True) -> CubeResult:
    """The cube's tables from the dataset in ``folder`` (its :data:`CUBE_INPUTS`; or, with
    ``folder=None``, from the views ``transactions`` and ``activities`` already registered
    in ``spark``, e.g. read from catalog tables).

    Each table is one file ``data/sql/cube_build_*.sql`` transpiled to Spark SQL; the
    reference prices are computed first and kept as the view ``reference_price``.
    """
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    read: dict[str, SparkTable] = {}
    rows: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    start = time.perf_counter()
    try:
        if folder is not None:
            read = read_dataset(spark, folder, validate=validate, tables=CUBE_INPUTS,
                                importer_messages=importer_messages)
            warnings = [w for t in read.values() for w in t.warnings]
        rows = {name: (t.rows if t.rows is not None else t.frame.count())
                for name, t in read.items()}
        columns = {name: list(t.columns) for name, t in read.items()}
        seconds["read"] = time.perf_counter() - start
        tables = {}
        for name, sql_file in CUBE_BUILD:
            begin = time.perf_counter()
            frame = spark.sql(spark_sql(sql_file))
            tables[name] = frame.toArrow()
            if name == "cube_reference_price":
                spark.createDataFrame(tables[name], frame.schema) \
                    .createOrReplaceTempView(REFERENCE_VIEW)
            seconds[name] = time.perf_counter() - begin
    finally:
        for table in read.values():
            if table.cached is not None:
                table.cached.unpersist()
    seconds["total"] = time.perf_counter() - start
    return CubeResult(tables, seconds, warnings, rows, columns)
