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
* :func:`build_recipe_cube`: the same for a recipe: its lines from a file or a catalog
  table (``[source] table``, through ``spark.table``), read with the recipe's mapping and
  date formats, the derived money columns (rounded as DuckDB rounds:
  :func:`duckdb_round`), the drivers' volumes (the portable query of
  :mod:`data.drivers`, transpiled) and the customers' attributes from the lines.

Numbers and dates are read as the importer reads them (grouping, currency symbols,
negatives in parentheses, a decimal comma; the formats of :mod:`data.dates`), the
conventions decided from a sample of the values as the importer decides them.

PySpark is imported inside the functions only: this module imports without it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from data.contract import (
    DERIVED,
    FALSE_WORDS,
    TABLE_ORDER,
    TABLES,
    TRUE_WORDS,
    Column,
    normalise_header,
)
from data.dates import DATE_FORMATS, UNAMBIGUOUS_DATES, YEARS
from data.engines import CUBE_BUILD, REFERENCE_VIEW
from data.engines.sql import spark_sql, transpile
from data.importer import LARGEST, LARGEST_TEXT, SHOWN_NAMES

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

    from data.recipe import Recipe

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
    # The cube comes back to the driver as Arrow: at 60 million TPC-H lines its
    # customer-months alone are 1.09 GB serialised, over Spark's 1 GB default. On a local
    # master the driver's memory is the real limit.
    "spark.driver.maxResultSize": "0",
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


def _csv_delimiter(path: Path) -> str:
    """The delimiter of a CSV file (or of the first CSV part of a folder), sniffed from
    its header line as the importer sniffs it: comma, semicolon, tab or pipe."""
    from data.sources import sniff_delimiter

    first = path if path.is_file() else next(
        (p for p in sorted(path.rglob("*.csv")) if not p.name.startswith((".", "_"))), None)
    if first is None:
        return ","
    with first.open("rb") as file:
        head = file.read(65536).decode("utf-8", errors="replace").lstrip("\ufeff")
    return sniff_delimiter(head.split("\n", 1)[0])


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _format_date(raw: str, fmt: str) -> str:
    """Spark SQL reading the trimmed text ``raw`` in the date format ``fmt`` (a name of
    :data:`data.dates.DATE_FORMATS`), a time part after a space ignored; NULL when it
    does not match or is no calendar date. Two-digit years as DuckDB's ``%y``: 00-68 are
    2000-2068, 69-99 1969-1999 (Spark's ``yy`` would make every one 20xx)."""
    strptime = DATE_FORMATS[fmt][1]
    fields = re.findall(r"%([dmYy])", strptime)
    fixed = not re.search(r"[^%dmYy]", strptime.replace("%", ""))  # no separators
    width = {"d": r"\\d{2}" if fixed else r"\\d{1,2}",
             "m": r"\\d{2}" if fixed else r"\\d{1,2}",
             "Y": r"\\d{4}", "y": r"\\d{2}"}
    pattern = re.sub(r"%([dmYy])", lambda m: f"({width[m.group(1)]})",
                     re.sub(r"([./-])", r"\\\\\1", strptime))
    part = {name: f"regexp_extract({raw}, '^{pattern}( .*)?$', {fields.index(name) + 1})"
            for name in fields}
    if "Y" in part:
        year = part["Y"]
    else:
        two = f"CAST(nullif({part['y']}, '') AS INT)"
        year = f"CAST(CASE WHEN {two} < 69 THEN 2000 + {two} ELSE 1900 + {two} END AS STRING)"
    text = f"concat_ws('-', {year}, {part['m']}, {part['d']})"
    return (f"CASE WHEN {part['d']} <> '' THEN try_to_date({text}, 'yyyy-M-d') END")


def _date(raw: str, fmt: str | None) -> str:
    """A date column as the importer reads it (:func:`data.dates.date_sql`): ISO (a time
    part ignored), the column's format (stated by a recipe, or detected from its
    values) and the unambiguous ones (``DD.MM.YYYY``, ``YYYY/MM/DD``) in any column.
    Tabs and line breaks around it are ignored too (Java's ``\\s``: space, tab, line
    feed, vertical tab, form feed, carriage return), as the importer ignores them."""
    raw = f"regexp_replace({raw}, '^\\\\s+|\\\\s+$', '')"
    day = f"regexp_extract({raw}, '^(\\\\d{{4}}-\\\\d{{1,2}}-\\\\d{{1,2}})([ T].*)?$', 1)"
    iso = f"try_to_date(nullif({day}, ''), 'yyyy-M-d')"
    names = [n for n in dict.fromkeys((fmt or "iso", *UNAMBIGUOUS_DATES)) if n != "iso"]
    return f"coalesce({iso}, {', '.join(_format_date(raw, name) for name in names)})"


def duckdb_round(value: str, places: int) -> str:
    """Spark SQL rounding the DOUBLE ``value`` to ``places`` decimals exactly as DuckDB's
    ``round(double, n)`` does (``std::round(x * 10^n) / 10^n``: half away from zero on
    the scaled double). Spark's own ``round`` rounds the double's shortest decimal text
    instead, which differs on about 1 value in 200 of ``net / (1 - discount)``."""
    scale = f"CAST('1e{places}' AS DOUBLE)"
    scaled = f"(({value}) * {scale})"
    whole = f"abs({scaled})"
    rounded = f"(CASE WHEN {whole} - floor({whole}) >= 0.5 THEN floor({whole}) + 1 " \
              f"ELSE floor({whole}) END)"
    return f"(sign({scaled}) * {rounded} / {scale})"


def _regex(pattern: str) -> str:
    """A Java regular expression as a Spark SQL string literal."""
    return "'" + pattern.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _finite(value: str) -> str:
    # Spark reads '1e400' as Infinity; the importer refuses what is not finite.
    return f"CASE WHEN abs({value}) < double('Infinity') THEN {value} END"


_NUMBER_NOISE = "[\\s\\u00a0\\u202f'$€£¥]"


def signed_sql(raw: str) -> str:
    """The text ``raw`` without spaces, apostrophes and currency symbols, a negative in
    parentheses or with a trailing minus written with a leading one: what
    :func:`number_sql` reads (a column of its own, so the long expression runs once)."""
    # Spaces (also no-break and narrow no-break), apostrophes and currency symbols go.
    clean = f"regexp_replace({raw}, {_regex(_NUMBER_NOISE)}, '')"
    return (f"(CASE WHEN {clean} LIKE '(%)' THEN concat('-', substr({clean}, 2, "
            f"length({clean}) - 2)) WHEN length({clean}) > 1 AND {clean} LIKE '%-' THEN "
            f"concat('-', substr({clean}, 1, length({clean}) - 1)) ELSE {clean} END)")


def number_sql(raw: str, decimal: str = ".", target: str = "DOUBLE",
               signed: str | None = None) -> str:
    """Spark SQL reading the trimmed text ``raw`` as a number of type ``target`` as the
    importer reads it (:func:`data.importer.number_sql`): a plain number, or with
    grouping (``1,234.50``), a currency symbol ($, €, £, ¥), ``(5.00)`` or ``5.00-`` for
    a negative, and the file's decimal mark (``decimal``, decided from its values as the
    importer decides it). NULL when it is none of these. Spark's own cast is used only
    on text a pattern has already read as a number (it would take ``1.5d`` or ``0x1p3``).
    ``signed``: a column holding :func:`signed_sql` of ``raw``.
    """
    fast_pattern = (r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$" if decimal == "."
                    else r"^[+-]?\d+([eE][+-]?\d+)?$")
    fast = f"CASE WHEN {raw} RLIKE {_regex(fast_pattern)} THEN try_cast({raw} AS {target}) END"
    group = "," if decimal == "." else "."
    signed = signed or signed_sql(raw)
    d, g = re.escape(decimal), re.escape(group)
    pattern = rf"[+-]?(\d{{1,3}}({g}\d{{3}})+({d}\d*)?|\d+({d}\d*)?|{d}\d+)"
    if decimal == ".":
        pattern += r"([eE][+-]?\d+)?"
    plain = f"replace({signed}, '{group}', '')"
    if decimal == ",":
        plain = f"replace({plain}, ',', '.')"
    slow = f"CASE WHEN {signed} RLIKE {_regex('^(' + pattern + ')$')} THEN " \
           f"try_cast({plain} AS {target}) END"
    if target == "DOUBLE":
        fast, slow = _finite(fast), _finite(slow)
    return f"coalesce({fast}, {slow})"


def _typed(col: Column, raw: str, fmt: str | None = None, decimal: str = ".",
           signed: str | None = None) -> str:
    """Spark SQL reading the trimmed text ``raw`` as the column's contract type (numbers
    with the file's ``decimal`` mark, ``signed`` a column of :func:`signed_sql`; dates in
    ISO, or also in the format ``fmt`` a recipe states or the column's values show)."""
    kind = col.kind
    if kind in ("id", "text"):
        return raw
    if kind == "money":
        return number_sql(raw, decimal, "DECIMAL(18,4)", signed)
    if kind == "number":
        return number_sql(raw, decimal, "DOUBLE", signed)
    if kind == "date":
        return _date(raw, fmt)
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


def _checks(col: Column, raw: str, typed: str, fmt: str | None = None,
            decimal: str = ".", stated: bool = True, signed: str | None = None
            ) -> list[tuple[str, str]]:
    """(condition, message) pairs: the importer's per-value checks of one column."""
    checks = []
    if col.not_empty:
        checks.append((f"{raw} IS NULL", "is empty"))
    unreadable = f"{raw} IS NOT NULL AND {typed} IS NULL"
    if col.kind in ("money", "number"):
        wide = number_sql(raw, decimal, "DOUBLE", signed)
        checks.append((f"coalesce(abs({wide}) >= {LARGEST:.0f}, false)",
                       f"is out of range (largest allowed {LARGEST_TEXT})"))
        checks.append((f"{unreadable} AND NOT coalesce(abs({wide}) >= {LARGEST:.0f}, false)",
                       "is not a number"))
    elif col.kind == "date" and fmt not in (None, "iso"):
        whose = "the recipe's date_format" if stated else "the column's format"
        checks.append((unreadable, f"is not a date (expected {DATE_FORMATS[fmt][2]}, "
                       f"{whose}, or YYYY-MM-DD)"))
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
    # A recipe's: condition header -> (text column, number column); attributes read.
    conditions: dict[str, tuple[str, str]] = field(default_factory=dict)
    attributes: tuple[str, ...] = ()


SAMPLE_ROWS = 2000  # values the importer's conventions are decided from (as it does)


def _conventions(source: DataFrame, staged: DataFrame, headers: dict[str, str],
                 read: list[Column], formats: dict[str, str], display: str,
                 warnings: list[str], delimiter: str = ",") -> tuple[str, dict[str, str]]:
    """(the decimal mark, column -> detected date format) of the columns written as
    text, from their first values as the importer decides (:func:`data.importer.
    detect_decimal`, :func:`data.dates.detect_date_format`; day or month first from the
    whole column's values above 12). One small job, none for typed columns (Parquet
    numbers and dates, a catalog table's). A two-digit year whose order no value shows is
    refused, as the importer refuses it."""
    from pyspark.sql.types import StringType

    from data.dates import SLASH_PAIRS, TWO_DIGIT_RULE, TWO_DIGIT_YEARS, detect_date_format
    from data.importer import detect_decimal

    kinds = {f.name: f.dataType for f in source.schema.fields}
    text = [c for c in read if isinstance(kinds.get(headers[c.name]), StringType)]
    numbers = [c.name for c in text if c.kind in ("money", "number")]
    dates = [c.name for c in text if c.kind == "date" and c.name not in formats]
    if not numbers and not dates:
        return ".", {}
    rows = staged.selectExpr(*(f"r_{n}" for n in numbers + dates)).limit(SAMPLE_ROWS) \
        .collect()
    samples = {n: [row[i] for row in rows if row[i]] for i, n in enumerate(numbers + dates)}
    decimal = detect_decimal([v for n in numbers for v in samples[n]], delimiter)
    if decimal == "," and numbers:
        warnings.append(f"{display}: numbers read with a decimal comma.")
    detected, problems = {}, []
    for name in dates:
        fmt = detect_date_format(samples[name])
        if fmt in SLASH_PAIRS:
            first, second = staged.where(
                f"r_{name} RLIKE {_regex('^' + DATE_FORMATS[fmt][0] + '$')}").selectExpr(
                f"max(try_cast(split_part(r_{name}, '/', 1) AS INT))",
                f"max(try_cast(split_part(r_{name}, '/', 2) AS INT))").collect()[0]
            if first is not None and first > 12:
                pass
            elif second is not None and second > 12:
                fmt = SLASH_PAIRS[fmt]
            elif fmt in TWO_DIGIT_YEARS:
                problems.append(
                    f"{display}, {name}: dates such as 03/04/19 have a two-digit year and no "
                    "value shows whether the day or the month comes first: choose DD/MM/YY "
                    "or MM/DD/YY as the column's date format (a recipe's date_format)")
                continue
            else:  # as the importer: day first in a semicolon file, else month first
                fmt = fmt if delimiter == ";" else SLASH_PAIRS[fmt]
                warnings.append(f"{display}, {name}: dates such as 03/04/2024 are "
                                f"ambiguous; read as {DATE_FORMATS[fmt][2]}.")
        if fmt in TWO_DIGIT_YEARS:
            warnings.append(f"{display}, {name}: two-digit years, read as "
                            f"{DATE_FORMATS[fmt][2]} ({TWO_DIGIT_RULE}).")
        if fmt != "iso":
            detected[name] = fmt
    if problems:
        raise SparkDataError(problems)
    return decimal, detected


def read_table(spark: SparkSession, table: str, path: str | Path | None,
               validate: bool = True, *, frame: DataFrame | None = None,
               display: str | None = None, mapping: dict[str, str | None] | None = None,
               formats: dict[str, str] | None = None, attributes: bool = False,
               conditions: tuple[str, ...] = (), discount_scale: str | None = None,
               origin: str = "recipe") -> SparkTable:
    """The contract table ``table`` from ``path`` (CSV or Parquet), typed and checked.

    Headers are matched as the importer matches them (trimmed, any case, spaces as
    ``_``); a missing required column or a bad value raises :class:`SparkDataError`.
    ``validate=False`` skips the per-value checks (one pass over the file fewer).

    What a recipe adds: ``frame`` (a DataFrame read elsewhere, a catalog table, in place
    of ``path``; ``display`` names it), ``mapping`` (contract column -> header, None: not
    in the file), ``formats`` (date column -> format name), ``attributes`` (the
    customers' columns read from the lines too), ``conditions`` (headers the drivers'
    conditions read: kept as the columns ``c<i>``, trimmed text, and ``n<i>``, the plain
    number), ``discount_scale``. Derived money columns as the importer derives them: COGS
    from ``gross_profit`` or ``unit_cost`` x ``quantity``, list revenue from
    ``discount``, rounded exactly as DuckDB rounds (:func:`duckdb_round`).
    """
    path = Path(path) if path is not None else None
    spec = TABLES[table]
    display = display or (path.name if path is not None else table)
    mapping = mapping or {}
    formats = formats or {}
    delimiter = ","
    if frame is None:
        fmt = _file_format(path)
        reader = spark.read.format(fmt)
        if fmt == "csv":
            delimiter = _csv_delimiter(path)
            reader = reader.options(**CSV_OPTIONS, sep=delimiter)
        source = reader.load(str(path))
    else:
        source = frame
    columns = list(spec.columns)
    if attributes:
        columns += [dataclasses.replace(c, required=False, not_empty=False)
                    for c in TABLES["customers"].columns if c.name != "customer_id"]
    normalised = {}
    for name in source.columns:
        normalised.setdefault(normalise_header(name), name)
    found = ", ".join(source.columns) or "none"
    headers: dict[str, str] = {}  # contract column -> the source's column
    problems = []
    for col in columns:
        if col.name in mapping and mapping[col.name] is None:
            continue
        key = normalise_header(mapping.get(col.name) or col.name)
        if key in normalised:
            headers[col.name] = normalised[key]
        elif mapping.get(col.name):
            problems.append(f'{display}: column "{mapping[col.name]}" (chosen for '
                            f"{col.name}) is not in the file (found: {found})")
    missing = [c.name for c in columns if c.required and c.name not in headers]
    if missing and not mapping:
        problems.append(f"{display}: missing column(s) {', '.join(missing)} (found: {found}).")
    elif missing:
        problems += [f'{display}: required column "{name}" is missing (found: {found})'
                     for name in missing]
    if table == "transactions":
        for target, inputs in DERIVED.items():
            given = [c for c in inputs if c in headers]
            if len(given) > 1:
                problems.append(f"{display}: {' and '.join(given)} both give {target}: "
                                "map only one of them")
        if "unit_cost" in headers and "quantity" not in headers:
            problems.append(f"{display}: unit_cost needs quantity (COGS = unit_cost x "
                            "quantity): map the quantity column too")
    extra: dict[str, str] = {}  # condition header -> the source's column
    for header in conditions:
        key = normalise_header(header)
        if key in normalised:
            extra[header] = normalised[key]
        else:
            problems.append(f'{origin}: column "{header}" is not in {display} (its columns: '
                            f"{found})")
    if problems:
        raise SparkDataError(problems)
    provided = set(headers)
    if table == "transactions":  # what a derived column's inputs provide (importer's rule)
        provided |= {t for t, inputs in DERIVED.items() if provided & set(inputs)}
    present = tuple(c.name for c in spec.stored if c.name in provided)
    read = [c for c in columns if c.name in headers]
    raw_cols = [f"nullif(trim(CAST({_q(headers[c.name])} AS STRING)), '') AS r_{c.name}"
                for c in read]
    raw_cols += [f"nullif(trim(CAST({_q(header)} AS STRING)), '') AS c{number}"
                 for number, header in enumerate(extra.values())]
    staged = source.selectExpr(*raw_cols)
    warnings: list[str] = []
    used = {*headers.values(), *extra.values()}
    ignored = [name for name in source.columns if name not in used and name.strip()]
    if ignored:  # as the importer says it
        shown = ", ".join(ignored[:SHOWN_NAMES])
        if len(ignored) > SHOWN_NAMES:
            shown += f", … and {len(ignored) - SHOWN_NAMES:,} more"
        warnings.append(f"{display}: {len(ignored):,} column(s) not in the contract "
                        f"ignored: {shown}")
    # The importer's conventions, decided from the values as it decides them: the
    # decimal mark of the numbers written as text, a date column's format unless stated.
    decimal, detected = _conventions(source, staged, headers, read, formats, display,
                                     warnings, delimiter)
    numeric = [c.name for c in read if c.kind in ("money", "number")]
    staged = staged.selectExpr(
        "*", *(f"{signed_sql(f'r_{name}')} AS s_{name}" for name in numeric),
        *(f"{signed_sql(f'c{i}')} AS sc{i}" for i in range(len(extra))))
    typed, checks = {}, []
    for col in read:
        raw, fmt = f"r_{col.name}", formats.get(col.name, detected.get(col.name))
        typed[col.name] = _typed(col, raw, fmt, decimal, f"s_{col.name}")
        checks.extend((col.name, cond, msg) for cond, msg in _checks(
            col, raw, typed[col.name], fmt, decimal, col.name in formats,
            f"s_{col.name}"))
    derived = {}
    if table == "transactions":
        net = typed["net_revenue"]
        if "gross_profit" in headers:
            derived["cogs"] = f"{net} - {typed['gross_profit']}"
        elif "unit_cost" in headers:
            derived["cogs"] = duckdb_round(f"{typed['unit_cost']} * {typed['quantity']}", 4)
        elif "cogs" not in headers:
            derived["cogs"] = "0"
        if "list_revenue" not in headers:
            derived["list_revenue"] = net
    out = []
    for col in columns if attributes else spec.stored:
        if not (col.stored or attributes):
            continue
        expr = derived.get(col.name) or typed.get(col.name) or "NULL"
        if table == "transactions" and col.name in ("list_revenue", "cogs") \
                and expr != "0":
            # An empty cell takes the default, as the importer does.
            default = typed["net_revenue"] if col.name == "list_revenue" else "0"
            expr = f"coalesce(CAST({expr} AS DECIMAL(18,4)), {default})"
        out.append(f"CAST({expr} AS {SPARK_TYPES[col.kind]}) AS {col.name}")
    if "discount" in headers:
        out.append(f"{typed['discount']} AS _discount")
    out += [f"c{i}" for i in range(len(extra))]
    out += [f"{number_sql(f'c{i}', decimal, 'DOUBLE', f'sc{i}')} AS n{i}"
            for i in range(len(extra))]
    if table == "transactions":
        if not {"cogs", "gross_profit", "unit_cost"} & set(headers):
            warnings.append(f"{display}: no cogs column, so COGS is taken as 0 and net "
                            "margin equals net revenue.")
        if not {"list_revenue", "discount"} & set(headers):
            warnings.append(f"{display}: no list_revenue column, so list revenue equals "
                            "net revenue (no discounts).")
    names = [c.name for c in (columns if attributes else spec.stored)]
    names += [f"c{i}" for i in range(len(extra))] + [f"n{i}" for i in range(len(extra))]
    result = SparkTable(table, path if path is not None else Path(display), staged, present,
                        warnings=warnings, conditions={h: (f"c{i}", f"n{i}") for i, h
                                                       in enumerate(extra)},
                        attributes=tuple(c.name for c in columns[len(spec.columns):]
                                         if c.name in headers))
    if not (validate and checks) and "discount" not in headers:
        result.frame = staged.selectExpr(*out).select(*names)
        return result
    # One parse of the file: the typed columns plus, per check, the offending text (NULL
    # on the good rows, so the extra columns cost little), kept in memory (or on disk)
    # for the checks and then the cube's queries.
    checks = checks if validate else []
    flags = [f"CASE WHEN coalesce({cond}, false) THEN coalesce(r_{column}, '') END "
             f"AS _bad{i}" for i, (column, cond, _) in enumerate(checks)]
    from pyspark import StorageLevel

    kept = staged.selectExpr(*out, *flags).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        rows, largest = _validate(kept, checks, display,
                                  "_discount" if "discount" in headers else None)
        if "discount" in headers:
            names, warning = _discounted(kept, names, display, largest, discount_scale)
            warnings += [warning] if warning else []
    except SparkDataError:
        kept.unpersist()
        raise
    result.frame, result.cached, result.rows = kept.select(*names), kept, rows
    return result


def _discounted(kept: DataFrame, names: list[str], display: str, largest: float | None,
                scale: str | None) -> tuple[list, str | None]:
    """List revenue from the ``_discount`` column as the importer derives it (the scale a
    fraction unless a value exceeds 1, or as the recipe says; a discount of 100 % or more
    refused): the columns to select and the warning saying how it was read."""
    if largest is None:
        return names, None
    chosen = scale
    scale = scale or ("percent" if largest > 1 else "fraction")
    divisor = "100.0" if scale == "percent" else "1.0"
    full = kept.where(f"_discount / {divisor} >= 1").selectExpr(
        "count(*) AS n", "min(_discount) AS v").collect()[0]
    if full["n"]:
        raise SparkDataError([
            f"{display}: column discount is a discount of 100 % or more (read as a {scale}; "
            f"the discount scale can be chosen in a recipe's discount_scale): list revenue "
            f"cannot be derived: {full['n']:,} row(s) (for example {full['v']:g})."])
    from pyspark.sql import functions as F

    list_revenue = F.expr(
        "CASE WHEN _discount IS NOT NULL AND _discount <> 0 THEN CAST("
        + duckdb_round(f"net_revenue / (1 - _discount / {divisor})", 2)
        + " AS DECIMAL(18,4)) ELSE list_revenue END").alias("list_revenue")
    columns = [list_revenue if n == "list_revenue" else n for n in names]
    how = "a percentage (20 = 20 %)" if scale == "percent" else "a fraction (0.2 = 20 %)"
    why = "as the recipe says" if chosen else f"its largest value is {largest:g}"
    return columns, (f"{display}: discount read as {how}, {why}; list revenue = net revenue "
                     "/ (1 - discount).")


def _validate(kept: DataFrame, checks: list[tuple[str, str, str]], display: str,
              discount: str | None = None) -> tuple[int, float | None]:
    """Each check's count and first bad value (by value), in one aggregate; the rows
    read (and the largest |discount|, when ``discount`` names its column)."""
    aggregates = ["count(*) AS n_rows"]
    if discount:
        aggregates.append(f"max(abs({discount})) AS largest")
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
    return row["n_rows"], (row["largest"] if discount else None)


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


def recipe_importer_problems(recipe: Recipe) -> list[str] | None:
    """The DuckDB importer's problems with a recipe's local files (one line each), or
    None when it accepts them; as :func:`importer_problems` for a folder."""
    from data.problems import DatasetError
    from data.store import Store

    with tempfile.TemporaryDirectory(prefix="profitlens-spark-check-") as work:
        store = Store(Path(work) / "check.duckdb")
        try:
            store.load_recipe(recipe)
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
        tables = _cube_tables(spark, seconds)
    finally:
        for table in read.values():
            if table.cached is not None:
                table.cached.unpersist()
    seconds["total"] = time.perf_counter() - start
    return CubeResult(tables, seconds, warnings, rows, columns)


def _cube_tables(spark: SparkSession, seconds: dict[str, float]) -> dict[str, pa.Table]:
    """The four cube build files run on the views ``transactions`` and ``activities``."""
    tables = {}
    for name, sql_file in CUBE_BUILD:
        begin = time.perf_counter()
        frame = spark.sql(spark_sql(sql_file))
        tables[name] = frame.toArrow()
        if name == "cube_reference_price":
            spark.createDataFrame(tables[name], frame.schema) \
                .createOrReplaceTempView(REFERENCE_VIEW)
        seconds[name] = time.perf_counter() - begin
    return tables


# --- a recipe on Spark ---------------------------------------------------------------


@dataclass
class RecipeCube(CubeResult):
    """A recipe's cube, and what the store takes from the lines besides: the customers
    (one row per customer, attributes as text) when the recipe takes them from the
    lines, and the number of activity rows its drivers counted."""

    customers: pa.Table | None = None
    driver_rows: int = 0
    lines: str = "transactions"  # the lines' name in messages (file or catalog table)


def recipe_lines(spark: SparkSession, recipe: Recipe) -> tuple[DataFrame | None, str]:
    """The recipe's lines as Spark reads them: (a catalog table's DataFrame, or None to
    read the file; the name said in messages)."""
    if recipe.source.table is not None:
        try:
            return spark.table(recipe.source.table), recipe.source.table
        except Exception as error:  # AnalysisException: no such table
            raise SparkDataError([
                f"{recipe.name}, source.table: \"{recipe.source.table}\" cannot be read by "
                f"Spark ({_first_line(error)})"]) from None
    excel = [e.file.name for t, e in recipe.tables.items() if t in CUBE_INPUTS
             and e.file is not None and not e.file.is_dir()
             and e.file.suffix.lower() not in (".csv", ".parquet")]
    if excel:
        raise SparkDataError([f"{name}: the Spark engine reads CSV or Parquet files (an "
                              "Excel file: load it with --engine duckdb)" for name in excel])
    return None, recipe.tables["transactions"].file.name


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def build_recipe_cube(spark: SparkSession, recipe: Recipe, validate: bool = True
                      ) -> RecipeCube:
    """A recipe's cube on Spark: its transactions file (CSV or Parquet) or ``[source]
    table`` read with the recipe's mapping, date formats and derived money columns;
    its activities file; the drivers' volumes counted from the lines by the portable
    query (:func:`data.drivers.driver_volumes_query`, transpiled) and added to the
    activities; the customers' attributes taken from the lines when the recipe says so.

    The small tables (rates, resources, a customers file) are the load's business
    (:mod:`data.engines.load`, through the DuckDB importer).
    """
    from data.drivers import driver_volumes_query
    from data.problems import Problem

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    frame, display = recipe_lines(spark, recipe)
    options = recipe.options()
    mappings = recipe.mappings()
    drivers = options.drivers
    conditions = tuple(dict.fromkeys(c for d in drivers for c in d.columns))
    read: dict[str, SparkTable] = {}
    problems: list[str] = []
    volumes = None  # the drivers' persisted volumes
    try:
        try:
            read["transactions"] = read_table(
                spark, "transactions", recipe.tables["transactions"].file, validate,
                frame=frame, display=display, mapping=mappings.get("transactions"),
                formats=options.date_formats.get("transactions"),
                attributes=options.customers_from_transactions, conditions=conditions,
                discount_scale=options.discount_scale, origin=recipe.name)
        except SparkDataError as error:
            problems += error.problems
        entry = recipe.tables.get("activities")
        if entry is not None:
            try:
                read["activities"] = read_table(
                    spark, "activities", entry.file, validate,
                    mapping=mappings.get("activities"),
                    formats=options.date_formats.get("activities"))
            except SparkDataError as error:
                problems += error.problems
        if problems:
            if recipe.source.table is None and all(
                    Path(f).is_file() for f in recipe.files().values()):
                # Local files: the importer's words (file, line, column, value).
                problems = recipe_importer_problems(recipe) or problems
            raise SparkDataError(problems)
        lines = read["transactions"]
        warnings = list(lines.warnings)
        lines.frame.createOrReplaceTempView("transactions")
        stored = ", ".join(c.name for c in TABLES["activities"].stored)
        activities = read.get("activities")
        if activities is not None:
            warnings += activities.warnings
            activities.frame.select(*stored.split(", ")).createOrReplaceTempView("_file_activities")
        else:
            _empty_view(spark, "activities", "_file_activities")
        driver_rows, counted = 0, []
        if drivers:
            driver_rows, counted, volumes = _drivers(spark, recipe, lines, activities,
                                                     display, driver_volumes_query, Problem)
            spark.sql(f"SELECT {stored} FROM _file_activities UNION ALL SELECT customer_id, "
                      "activity, quantity, date, CAST(NULL AS STRING) AS order_id FROM "
                      "_driver_volumes").createOrReplaceTempView("activities")
        else:
            spark.table("_file_activities").createOrReplaceTempView("activities")
        customers = None
        if options.customers_from_transactions:
            customers, more = _customers_from_lines(spark, lines, display)
            warnings += more
        warnings += counted  # in the importer's order: the lines, customers, drivers
        rows = {name: (t.rows if t.rows is not None else t.frame.count())
                for name, t in read.items()}
        rows["activities"] = rows.get("activities", 0) + driver_rows
        columns = {name: list(t.columns) for name, t in read.items()}
        if drivers:
            columns["activities"] = list(dict.fromkeys(
                [*columns.get("activities", []), "customer_id", "activity", "quantity",
                 "date"]))
        seconds["read"] = time.perf_counter() - start
        tables = _cube_tables(spark, seconds)
    finally:
        for table in read.values():
            if table.cached is not None:
                table.cached.unpersist()
        if volumes is not None:
            volumes.unpersist()
    seconds["total"] = time.perf_counter() - start
    return RecipeCube(tables, seconds, warnings, rows, columns, customers=customers,
                      driver_rows=driver_rows, lines=display)


def _empty_view(spark: SparkSession, table: str, name: str) -> None:
    columns = ", ".join(f"CAST(NULL AS {SPARK_TYPES[c.kind]}) AS {c.name}"
                        for c in TABLES[table].stored)
    spark.sql(f"SELECT {columns} WHERE false").createOrReplaceTempView(name)


def _drivers(spark, recipe, lines: SparkTable, activities: SparkTable | None, display: str,
             driver_volumes_query, Problem) -> tuple[int, list[str], DataFrame]:
    """The drivers' volumes as the view ``_driver_volumes`` (persisted), with the
    importer's checks and warnings (the Deriver's words): (rows, warnings, the persisted
    volumes, to release after the build)."""
    drivers, origin = recipe.drivers, recipe.name
    needs = {"order": "order_id", "unit": "quantity"}
    problems = []
    for number, driver in enumerate(drivers, start=1):
        column = needs.get(driver.per)
        if column and column not in lines.columns:
            problems.append(str(Problem(
                origin, f"counts {driver.per}s, but {display} has no {column} column: map "
                "it, or count per line", column=f"drivers[{number}].per",
                value=driver.activity)))
    if activities is not None:
        names = ", ".join(_literal(d.activity) for d in drivers)
        clashes = spark.sql(f"SELECT DISTINCT activity FROM _file_activities WHERE activity "
                            f"IN ({names}) ORDER BY activity").collect()
        problems += [str(Problem(
            origin, f"is both a driver of the recipe and an activity in "
            f"{activities.path.name}: rename one of them", column="activity",
            value=row[0])) for row in clashes]
    if problems:
        raise SparkDataError(problems)
    conditions = lines.conditions
    query = driver_volumes_query(drivers, "transactions_for_drivers",
                                 lambda header: conditions[header][0],
                                 lambda header: conditions[header][1])
    lines.frame.createOrReplaceTempView("transactions_for_drivers")
    from pyspark import StorageLevel

    volumes = spark.sql(transpile(query)).persist(StorageLevel.MEMORY_AND_DISK)
    volumes.createOrReplaceTempView("_driver_volumes")
    counts = spark.sql(
        "SELECT (SELECT count(*) FROM _driver_volumes) AS n, (SELECT count(*) FROM "
        "transactions WHERE order_id IS NULL) AS orderless").collect()[0]
    warnings = []
    if any(d.per == "order" for d in drivers) and counts["orderless"]:
        warnings.append(f"{display}: {counts['orderless']:,} line(s) without an order_id are "
                        "not counted by the per-order drivers.")
    warnings.append(f"{origin}: {len(drivers)} cost driver(s) counted from the invoice "
                    f"lines: {counts['n']:,} activity rows (customer x day).")
    return counts["n"], warnings, volumes


def _literal(text: str) -> str:
    """A Spark SQL string literal (backslashes and quotes escaped)."""
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _customers_from_lines(spark: SparkSession, lines: SparkTable, display: str
                          ) -> tuple[pa.Table, list[str]]:
    """One row per customer of the lines: each attribute's most frequent value (ties: the
    latest date, then the greatest value: Spark has no line order, where the importer
    takes the latest line), as text the DuckDB importer reads back; and the warnings of
    customers with several values."""
    attributes = [c.name for c in TABLES["customers"].columns if c.name != "customer_id"]
    mapped = [a for a in attributes if a in lines.attributes]
    parts, joins, selects, counts = [], [], [], []
    for attribute in attributes:
        if attribute not in mapped:
            selects.append(f"CAST(NULL AS STRING) AS {attribute}")
            continue
        parts.append(
            f"m_{attribute} AS (SELECT customer_id, v, k FROM (SELECT customer_id, v, "
            "count(*) OVER (PARTITION BY customer_id) AS k, row_number() OVER (PARTITION "
            "BY customer_id ORDER BY n DESC, d DESC NULLS LAST, v DESC NULLS LAST) AS r FROM "
            f"(SELECT customer_id, {attribute} AS v, count(*) AS n, max(date) AS d FROM "
            f"transactions WHERE {attribute} IS NOT NULL GROUP BY customer_id, {attribute})) "
            "WHERE r = 1)")
        joins.append(f"LEFT JOIN m_{attribute} USING (customer_id)")
        selects.append(f"CAST(m_{attribute}.v AS STRING) AS {attribute}")
        counts.append(f"m_{attribute}.k AS k_{attribute}")
    with_ = "WITH " + ", ".join(["ids AS (SELECT DISTINCT customer_id FROM transactions)",
                                 *parts])
    frame = spark.sql(f"{with_} SELECT customer_id, {', '.join(selects + counts)} FROM ids "
                      f"{' '.join(joins)}")
    table = frame.toArrow()
    warnings = []
    for attribute in mapped:
        import pyarrow.compute as pc

        several = pc.sum(pc.greater(table[f"k_{attribute}"], 1)).as_py() or 0
        if several:
            warnings.append(f"{display}, {attribute}: {several:,} customer(s) have several "
                            "values; each gets its most frequent one (ties: the latest date, "
                            "then the greatest value).")
    # Only the attributes the recipe maps, as the importer records them.
    return table.select(["customer_id", *mapped]), warnings
