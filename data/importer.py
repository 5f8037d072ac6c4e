"""Validate a dataset's files and stage them as typed DuckDB tables.

Every file is read as text (``data.sources``), its columns matched to the contract
(``data.contract``), and parsed into types by one ``CREATE TABLE ... AS SELECT`` per
file. Each row carries a ``_bad`` flag; only when a file has bad rows does a second,
slower pass name every problem by file, line, column and value. Cross-table rules
(rates for every activity, resources for every rate, unique keys) run on the staged
tables. Nothing is written to the live tables here: ``data.store`` swaps the staged
tables in, in one transaction, once everything passed.

Accepted formats
----------------
Numbers: ``1234.56``, ``1,234.56``, ``1.234,56``, ``1 234,56``, ``-5``, ``(5.00)`` and
``5.00-`` (negatives), with an optional currency symbol ($, €, £, ¥). Whether a comma is
the decimal mark is decided per file from its values (a value such as ``1.234,56`` or
``12,5``); with no evidence, semicolon-delimited files use a decimal comma and others
a decimal point. Dates: ISO ``2024-03-31`` (optionally with a time), ``31.03.2024``,
``31-03-2024``, ``2024/03/31``, ``20240331``, and ``31/03/2024`` or ``03/31/2024``
(day or month first is decided per column from values above 12; with none, day first
for semicolon files and month first otherwise, with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from data.catalog import read_sql
from data.contract import (
    DERIVED,
    FALSE_WORDS,
    SQL_TYPES,
    TABLE_ORDER,
    TABLES,
    TRUE_WORDS,
    Column,
    Table,
    normalise_header,
)
from data.dates import (
    DATE_FORMATS,
    SLASH_PAIRS,
    TWO_DIGIT_RULE,
    TWO_DIGIT_YEARS,
    UNAMBIGUOUS_DATES,
    YEARS,
    date_sql,
    detect_date_format,
    fast_date_sql,
)
from data.derive import Deriver
from data.problems import UNRATED_NAMED, DatasetError, Problem, quote_ident, unrated_activities
from data.read_cube import AGGREGATED, AggregateDeclined
from data.recipe import LoadOptions
from data.sources import (
    REJECTS_KEPT,
    Source,
    SourceError,
    line_too_long,
    open_csv,
    open_parquet,
    read_xlsx_frame,
    record_lines,
)

MAX_LINES_PER_PROBLEM = 5
SHOWN_NAMES = 10  # column names listed in a warning before "… and N more"
Progress = Callable[[float, str], None]


# --- conventions --------------------------------------------------------------------



def detect_decimal(samples: list[str], delimiter: str) -> str:
    """The decimal mark of a file's numbers, from sample values (see module docstring)."""
    values = [re.sub(r"[\s\u00a0\u202f'$€£¥()]", "", v) for v in samples if v]
    both = [v for v in values if "." in v and "," in v]
    if both:
        comma_last = sum(v.rfind(",") > v.rfind(".") for v in both)
        return "," if comma_last * 2 > len(both) else "."
    if any(re.search(r",(\d{1,2}|\d{4,})-?$", v) for v in values):
        return ","
    if any(re.search(r"\.(\d{1,2}|\d{4,})-?$", v) for v in values):
        return "."
    return "," if delimiter == ";" else "."


def fast_number_sql(raw: str, decimal: str, target: str) -> str:
    """DuckDB's own cast: right for plain numbers, NULL for anything it cannot read.

    With a decimal comma, a value holding a point (``1.234``: a thousands point) must not
    be cast natively, because DuckDB would read it as a decimal point.
    """
    cast = f"TRY_CAST({raw} AS {target})"
    if decimal == ",":
        cast = f"CASE WHEN NOT contains({raw}, '.') THEN {cast} END"
    return cast


def slow_number_sql(raw: str, decimal: str, target: str) -> str:
    """SQL parsing the text ``raw`` into ``target`` the long way: grouping, currency
    symbols, ``(5.00)`` and ``5.00-`` negatives, either decimal mark. NULL when not a number.
    """
    group = "," if decimal == "." else "."
    clean = f"regexp_replace({raw}, '[\\s\\x{{a0}}\\x{{202f}}''$€£¥]', '', 'g')"
    signed = (
        f"(CASE WHEN {clean} LIKE '(%)' THEN '-' || {clean}[2:-2] "
        f"WHEN length({clean}) > 1 AND {clean} LIKE '%-' THEN '-' || {clean}[1:-2] "
        f"ELSE {clean} END)"
    )
    d, g = re.escape(decimal), re.escape(group)
    pattern = rf"[+-]?(\d{{1,3}}({g}\d{{3}})+({d}\d*)?|\d+({d}\d*)?|{d}\d+)"
    if decimal == ".":
        pattern += r"([eE][+-]?\d+)?"
    plain = f"replace({signed}, '{group}', '')"
    if decimal == ",":
        plain = f"replace({plain}, ',', '.')"
    return (
        f"CASE WHEN regexp_full_match({signed}, '{pattern}') "
        f"THEN TRY_CAST({plain} AS {target}) END"
    )


def text_number_sql(raw: str, decimal: str) -> str:
    """The number in the text ``raw`` as a DOUBLE (NULL when it is not one), read with
    the file's decimal mark: for checks and conditions on columns not parsed otherwise."""
    return number_sql(fast_number_sql(raw, decimal, "DOUBLE"), raw, decimal, "DOUBLE")


def number_sql(fast: str, raw: str, decimal: str, target: str) -> str:
    """The parsed number: the fast cast where it worked, the slow parse elsewhere.

    ``fast`` names a column already holding :func:`fast_number_sql`; a ``CASE`` runs the
    slow parse only on the rows where the fast cast gave nothing.
    """
    ok = f"{fast} IS NOT NULL" + (f" AND isfinite({fast})" if target == "DOUBLE" else "")
    slow = slow_number_sql(raw, decimal, target)
    if target == "DOUBLE":
        slow = f"(CASE WHEN isfinite({slow}) THEN {slow} END)"
    return f"(CASE WHEN {ok} THEN {fast} ELSE {slow} END)"


# --- checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    column: str
    condition: str  # SQL over r_<col> (trimmed text) and t_<col> (typed)
    message: str
    show_value: bool = True


_TWO_DIGIT_YEAR = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}( .*)?"


# Column kinds a clean CSV file may have to be staged in one typed read (_stage_fused).
FUSED_KINDS = ("id", "text", "money", "number", "date", "boolean", "choice")
# A date the CSV reader types itself (``dateformat``), as every sampled value looks.
_PLAIN_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
# The group keys of each table aggregated while read (data/sql/read_aggregate_*.sql).
AGGREGATE_KEYS = {"transactions": ("customer_id", "order_id"),
                  "activities": ("customer_id", "activity")}
LARGEST = 1e12  # |money|, quantities, times, costs, capacities: what cent arithmetic holds
LARGEST_TEXT = "999,999,999,999.99"


def column_checks(col: Column, date_format: str | None, chosen: bool = False,
                  decimal: str = ".") -> list[Check]:
    """The checks of one column, as SQL cheap enough to run on every row.

    Id and text columns arrive trimmed; numbers and dates do not (trimming millions of
    values costs more than parsing them), so a ``CASE`` trims only the rows whose value
    did not parse.
    """
    r, t = f"r_{col.name}", f"t_{col.name}"
    checks = []
    parsed = col.kind in ("money", "number", "date")
    blank = f"CASE WHEN {t} IS NULL THEN {r} IS NULL OR trim({r}) = '' ELSE false END"
    if col.not_empty:
        condition = blank if parsed else f"{r} IS NULL"
        checks.append(Check(col.name, condition, "is empty", show_value=False))
    unreadable = (
        f"CASE WHEN {t} IS NULL AND {r} IS NOT NULL THEN trim({r}) <> '' ELSE false END"
    )
    if col.kind in ("money", "number"):
        # Read as a double too, so a value too large for DECIMAL(18,4) is said to be out
        # of range, not "not a number".
        wide = text_number_sql(r, decimal)
        huge = f"coalesce(abs({wide}) >= {LARGEST:.0f}, false)"
        checks.append(Check(
            col.name, f"CASE WHEN {t} IS NULL AND {r} IS NOT NULL THEN {huge} "
            f"ELSE abs({t}) >= {LARGEST:.0f} END",
            f"is out of range (largest allowed {LARGEST_TEXT})",
        ))
        checks.append(Check(
            col.name, f"CASE WHEN {t} IS NULL AND {r} IS NOT NULL THEN trim({r}) <> '' "
            f"AND NOT {huge} ELSE false END", "is not a number",
        ))
    if col.kind == "date":
        checks.extend(_date_checks(col.name, unreadable, date_format, chosen))
    if col.kind == "boolean":
        checks.append(Check(col.name, f"{r} IS NOT NULL AND {t} IS NULL",
                            "is not a yes/no value (expected true/false, yes/no, 1/0 or y/n; "
                            "empty: unknown)"))
    if col.kind == "choice":
        checks.append(Check(col.name, f"{r} IS NOT NULL AND {t} IS NULL",
                            f"must be one of {', '.join(col.choices)} (or empty: unknown)"))
    if col.minimum == "zero":
        checks.append(Check(col.name, f"{t} < 0", "must not be negative"))
    if col.minimum == "positive":
        checks.append(Check(col.name, f"{t} <= 0", "must be greater than zero"))
    return checks


def trimmed_sql(raw: str) -> str:
    """``NULLIF(trim(raw), '')`` without the trim where it changes nothing: a value all
    ASCII (as many bytes as characters) that starts with a printable character and does
    not end with a space (DuckDB's trim removes spaces, and no other ASCII character).
    Trimming every id of millions of lines costs more than reading them.

    >>> import duckdb
    >>> cells = ["C1", " C1 ", "", "  ", None, chr(160) + "C1" + chr(160), chr(9) + "C1"]
    >>> [duckdb.execute(f"SELECT {trimmed_sql('$1')}", [c]).fetchone()[0] for c in cells]
    ['C1', 'C1', None, None, None, 'C1', '\\tC1']
    """
    return f"CASE WHEN {untrimmed_sql(raw)} THEN {raw} ELSE NULLIF(trim({raw}), '') END"


def untrimmed_sql(raw: str) -> str:
    """True where the trim changes nothing (:func:`trimmed_sql`'s cheap test; false for
    some values it does not change, such as non-ASCII ones)."""
    return (f"ascii({raw}) BETWEEN 33 AND 126 AND NOT ends_with({raw}, ' ') "
            f"AND strlen({raw}) = length({raw})")


def boolean_sql(raw: str) -> str:
    """A trimmed text cell as a boolean: true/false, yes/no, y/n, 1/0 in any case (a
    number column's 1.0 and 0.0 too); empty or anything else NULL (a check refuses it)."""
    low, number = f"lower({raw})", f"TRY_CAST({raw} AS DOUBLE)"
    yes, no = (", ".join(f"'{w}'" for w in words) for words in (TRUE_WORDS, FALSE_WORDS))
    return (f"CASE WHEN {low} IN ({yes}) OR {number} = 1 THEN true "
            f"WHEN {low} IN ({no}) OR {number} = 0 THEN false END")


def choice_sql(raw: str, choices: tuple[str, ...]) -> str:
    """A trimmed text cell as one of ``choices``: lower case, inner spaces and hyphens as
    ``_`` (``Value-adding`` is ``value_adding``); anything else NULL (a check refuses it)."""
    value = f"regexp_replace(lower({raw}), '[\\s\\-]+', '_', 'g')"
    listed = ", ".join(f"'{c}'" for c in choices)
    assert all(re.fullmatch("[a-z_]+", c) for c in choices), "the regexp_replace leaves them"
    # Most cells are a choice already in lower case: no regular expression for them.
    return (f"CASE WHEN lower({raw}) IN ({listed}) THEN lower({raw}) "
            f"WHEN {value} IN ({listed}) THEN {value} END")


def _date_checks(column: str, unreadable: str, fmt: str, chosen: bool) -> list[Check]:
    """Why a date did not parse: the formats tried, and a hint for two-digit years."""
    label = DATE_FORMATS[fmt][2]
    tried = [label] + [DATE_FORMATS[n][2] for n in ("iso", *UNAMBIGUOUS_DATES) if n != fmt]
    how = "the chosen format" if chosen else "the column's format"
    message = f"is not a valid date (expected {label}, {how}; also tried {', '.join(tried[1:])})"
    raw = f"r_{column}"
    year = f"year({date_sql(fast_date_sql(raw), raw, fmt, bounded=False)})"
    outside = f"coalesce({year} NOT BETWEEN {YEARS[0]} AND {YEARS[1]}, false)"
    checks = [Check(column, f"({unreadable}) AND {outside}",
                    f"is outside the years {YEARS[0]}–{YEARS[1]} a date may have")]
    if fmt in TWO_DIGIT_YEARS:
        return [*checks, Check(column, f"({unreadable}) AND NOT {outside}", message)]
    two_digit = f"regexp_full_match(trim({raw}), '{_TWO_DIGIT_YEAR}')"
    return [
        *checks,
        Check(column, f"({unreadable}) AND {two_digit}",
              "has a two-digit year: choose the column's date format (DD/MM/YY, MM/DD/YY, "
              "DD.MM.YY or DD-MM-YY)"),
        Check(column, f"({unreadable}) AND NOT {two_digit} AND NOT {outside}", message),
    ]


# --- staging ------------------------------------------------------------------------


@dataclass
class StagedTable:
    table: str
    name: str  # the staged DuckDB table
    source: Source
    present: tuple[str, ...]  # contract columns the file provided
    rows: int = 0
    line_sql: str = "rowid + 2"
    decimal: str = "."
    extras: dict[str, str] = field(default_factory=dict)  # file header -> staged column
    # Staged as aggregates while read (data.read_cube), not as lines.
    aggregated: bool = False


@dataclass
class Staged:
    tables: dict[str, StagedTable] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Importer:
    """Stages one dataset on a DuckDB connection, under table names ``prefix + table``."""

    def __init__(
        self, con, workdir: Path, prefix: str = "_stage_", progress: Progress | None = None
    ):
        self.con = con
        self.workdir = workdir
        self.prefix = prefix
        self.progress = progress or (lambda fraction, text: None)
        self.staged = Staged()
        self._serial = 0
        self._provided: set[str] = set()  # tables given a file, even one that failed
        self._displays: dict[str, str] = {}
        self.options = LoadOptions()
        # A report's store: aggregate the lines and activities while reading them
        # (data.read_cube); AggregateDeclined when they need the usual way.
        self.aggregate = False

    # -- public --

    def stage(
        self,
        files: dict[str, Path],
        mappings: dict[str, dict[str, str]] | None = None,
        display_names: dict[str, str] | None = None,
        *,
        require_transactions: bool = True,
        options: LoadOptions | None = None,
    ) -> Staged:
        """Stage ``files`` (table -> path); raise DatasetError listing every problem.

        ``require_transactions=False`` stages part of a dataset (a rate card edit).
        ``options`` (from a recipe or the upload page) fix date formats, take customer
        attributes from the transactions file and count drivers from its lines.
        """
        self.options = options or LoadOptions()
        mappings = mappings or {}
        display_names = display_names or {}
        unknown = [t for t in files if t not in TABLES]
        for table in unknown:
            self._problem(
                Problem(str(files[table].name), f"is not a table of the contract ({table})")
            )
        if require_transactions and "transactions" not in files:
            self._problem(
                Problem("dataset", "a transactions file is required (transactions.csv, .xlsx "
                        "or .parquet)")
            )
        ordered = [t for t in TABLE_ORDER if t in files]
        self._provided = set(ordered)
        self._displays = {t: display_names.get(t, Path(files[t]).name) for t in ordered}
        for number, table in enumerate(ordered):
            self.progress(number / (len(ordered) + 1), f"Reading {files[table].name}")
            path = Path(files[table])
            display = display_names.get(table, path.name)
            try:
                self._stage_file(table, path, display, mappings.get(table, {}))
            except SourceError as exc:
                self._problem(Problem(exc.display, exc.message, line=exc.line))
        self.progress(len(ordered) / (len(ordered) + 1), "Checking the tables against each other")
        Deriver(self).run()
        self._cross_checks()
        if self.staged.problems and self.aggregate:
            # The usual way names them (line numbers included) as it always has.
            raise AggregateDeclined("problems")
        if self.staged.problems:
            self.drop()
            raise DatasetError(self.staged.problems)
        return self.staged

    def drop(self) -> None:
        for staged in self.staged.tables.values():
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(staged.name)}")
        for name in self._leftovers():
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")

    # -- helpers --

    def _leftovers(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND "
            "table_name LIKE '\\_raw\\_%' ESCAPE '\\'"
        ).fetchall()
        return [r[0] for r in rows]

    def _problem(self, problem: Problem) -> None:
        self.staged.problems.append(problem)

    def _open(
        self, table: str, path: Path, display: str, encoding: str | None = None,
        newlines: bool = False,
    ) -> Source:
        self._serial += 1
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            headers, frame, typed = read_xlsx_frame(path, display)
            view = f"_xlsx_{self._serial}"
            self.con.register(view, frame)
            return Source(
                table=table, path=path, display=display, kind="xlsx", headers=headers,
                from_sql=quote_ident(view), line_word="row", line_sql='"_line"', typed=typed,
            )
        if suffix == ".parquet":
            return open_parquet(table, path, display, self.con, self.workdir, self._serial)
        return open_csv(table, path, display, self.workdir, self._serial, encoding, newlines)

    def _match_columns(
        self, spec: Table, source: Source, mapping: dict[str, str]
    ) -> dict[str, int] | None:
        """Contract column -> source column index; report missing or doubled columns."""
        normalised = source.normalised
        matched: dict[str, int] = {}
        ok = True
        found = ", ".join(h for h in source.headers if h.strip()) or "no column names"
        for name in spec.names:
            if name in mapping and mapping[name] is None:
                continue  # the user said this column is not in the file
            key = normalise_header(mapping.get(name) or name)
            positions = [i for i, h in enumerate(normalised) if h == key]
            if not positions and mapping.get(name):
                self._problem(Problem(
                    source.display, f'column "{mapping[name]}" (chosen for {name}) is not in '
                    f"the file (found: {found})", line=1 if source.kind == "csv" else None,
                ))
                ok = False
            if len(positions) > 1:
                cols = ", ".join(str(p + 1) for p in positions)
                self._problem(Problem(source.display, f"column {name} appears more than once "
                                      f"(columns {cols})", line=1, line_word=source.line_word))
                ok = False
            elif positions:
                matched[name] = positions[0]
        for target, inputs in DERIVED.items():
            given = [c for c in inputs if c in matched]
            if spec.name == "transactions" and len(given) > 1:
                self._problem(Problem(source.display, f"{' and '.join(given)} both give "
                                      f"{target}: map only one of them"))
                ok = False
        if "unit_cost" in matched and "quantity" not in matched:
            self._problem(Problem(source.display, "unit_cost needs quantity (COGS = unit_cost "
                                  "x quantity): map the quantity column too"))
            ok = False
        for name, index in matched.items():
            if index in source.nested:
                self._problem(Problem(
                    source.display, f'column "{source.headers[index]}" (for {name}) is nested '
                    f"({source.nested[index].lower()}): export it as a plain column",
                ))
                ok = False
        extras = self._extra_columns(spec, source, found)
        if extras is None:
            ok = False
        missing = [n for n in spec.required_names if n not in matched]
        for name in missing:
            self._problem(Problem(
                source.display, f'required column "{name}" is missing (found: {found})',
                line=1 if source.kind == "csv" else None,
            ))
        used = set(matched.values()) | set((extras or {}).values())
        ignored = [h for i, h in enumerate(source.headers) if i not in used and h.strip()]
        if ignored and ok and not missing:
            shown = ", ".join(ignored[:SHOWN_NAMES])
            if len(ignored) > SHOWN_NAMES:
                shown += f", … and {len(ignored) - SHOWN_NAMES:,} more"
            self.staged.warnings.append(
                f"{source.display}: {len(ignored):,} column(s) not in the contract ignored: "
                f"{shown}"
            )
        self._extras = extras or {}
        return matched if ok and not missing else None

    def _extra_columns(self, spec: Table, source: Source, found: str) -> dict[str, int] | None:
        """File header -> column index of the columns the drivers' conditions read."""
        if spec.name != "transactions":
            return {}
        extras: dict[str, int] = {}
        ok = True
        normalised = source.normalised
        if self.options.keep_all_columns:
            extras = {h: i for i, h in enumerate(source.headers) if h.strip()}
        for number, driver in enumerate(self.options.drivers, start=1):
            for column in driver.columns:
                key = normalise_header(column)
                if key in normalised:
                    extras.setdefault(column, normalised.index(key))
                else:
                    self._problem(Problem(
                        self.options.origin, f'column "{column}" is not in {source.display} '
                        f"(its columns: {found})", column=f"drivers[{number}].where",
                    ))
                    ok = False
        return extras if ok else None

    def _spec(self, table: str) -> Table:
        """The columns read from a table's file: for transactions that also hold the
        customer attributes, those attributes too."""
        spec = TABLES[table]
        if table != "transactions" or not self.options.customers_from_transactions:
            return spec
        attributes = tuple(replace(c, required=False, not_empty=False)
                           for c in TABLES["customers"].columns if c.name != "customer_id")
        return replace(spec, columns=spec.columns + attributes)

    def _samples(self, source: Source, indexes: list[int], limit: int = 2000) -> list[list[str]]:
        if not indexes:
            return []
        # Typed numbers (Excel, Parquet) say nothing about the text's conventions.
        cols = ", ".join(
            f"CASE WHEN {source.number_sql(i)} IS NULL THEN trim({source.column_sql(i)}) END"
            if source.number_sql(i) else f"trim({source.column_sql(i)})"
            for i in indexes
        )
        rows = self.con.execute(
            f"SELECT {cols} FROM {source.from_sql} LIMIT {limit}", source.params
        ).fetchall()
        return [[row[k] for row in rows if row[k]] for k in range(len(indexes))]

    def _slash_order(
        self, source: Source, index: int, delimiter: str, day_first: str = "dmy_slash"
    ) -> tuple[str, bool]:
        """Day or month first, from the column's values above 12 (True: decided)."""
        month_first = SLASH_PAIRS[day_first]
        raw = f"trim({source.column_sql(index)})"
        first, second = self.con.execute(
            f"SELECT max(TRY_CAST(split_part({raw}, '/', 1) AS INTEGER)), "
            f"max(TRY_CAST(split_part({raw}, '/', 2) AS INTEGER)) FROM {source.from_sql} "
            f"WHERE regexp_full_match({raw}, '{DATE_FORMATS[day_first][0]}')",
            source.params,
        ).fetchall()[0]
        if first is not None and first > 12:
            return day_first, True
        if second is not None and second > 12:
            return month_first, True
        return (day_first if delimiter == ";" else month_first), False

    def _detect_dates(
        self, source: Source, index: int, column: str, values: list[str]
    ) -> str | None:
        """The date format of a column from its values (None: refused, a problem said why).

        Day or month first is decided from values above 12; two-digit years are read only
        when the column decides it.
        """
        fmt = detect_date_format(values)
        display = source.display
        if fmt in SLASH_PAIRS:
            fmt, certain = self._slash_order(source, index, source.delimiter, fmt)
            if not certain and fmt in TWO_DIGIT_YEARS:
                self._problem(Problem(
                    display, "dates such as 03/04/19 have a two-digit year and no value shows "
                    "whether the day or the month comes first: choose DD/MM/YY or MM/DD/YY as "
                    "the column's date format", column=column,
                ))
                return None
            if not certain:
                self.staged.warnings.append(
                    f"{display}, {column}: dates such as 03/04/2024 are ambiguous; read as "
                    f"{DATE_FORMATS[fmt][2]}."
                )
        if fmt in TWO_DIGIT_YEARS:
            self.staged.warnings.append(
                f"{display}, {column}: two-digit years, read as {DATE_FORMATS[fmt][2]} "
                f"({TWO_DIGIT_RULE})."
            )
        return fmt

    def recipe_table(self, table: str) -> StagedTable:
        """The staged ``table``, created empty when no file gave it (rows then come from
        the load's options: drivers, their rates, inline resources)."""
        if table in self.staged.tables:
            return self.staged.tables[table]
        name = self.prefix + table
        columns = ", ".join(f"{quote_ident(c.name)} {SQL_TYPES[c.kind]}"
                            for c in TABLES[table].stored)
        self.con.execute(f"CREATE OR REPLACE TABLE {quote_ident(name)} ({columns})")
        origin = self.options.origin
        source = Source(table=table, path=Path(origin), display=origin, kind="recipe",
                        headers=[], from_sql="")
        staged = StagedTable(table, name, source, ())
        self.staged.tables[table] = staged
        return staged

    def _stage_file(
        self, table: str, path: Path, display: str, mapping: dict[str, str],
        encoding: str | None = None, newlines: bool = False,
    ) -> None:
        warnings_before = len(self.staged.warnings)
        try:
            self._stage_source(table, path, display, mapping, encoding, newlines)
        except duckdb.InvalidInputException as exc:
            # DuckDB's CSV parser gives up on a file that mixes line ends (CRLF with LF,
            # or a lone CR): read a copy with uniform line ends, once.
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(self.prefix + table)}")
            self.staged.tables.pop(table, None)
            del self.staged.warnings[warnings_before:]
            if newlines or path.suffix.lower() != ".csv":
                reason = str(exc).splitlines()[0].split("Error: ", 1)[-1]
                self._problem(Problem(display, f"cannot be read as CSV ({reason})"))
                return
            self._stage_file(table, path, display, mapping, encoding, newlines=True)

    def _stage_source(
        self, table: str, path: Path, display: str, mapping: dict[str, str],
        encoding: str | None, newlines: bool,
    ) -> None:
        spec = self._spec(table)
        warnings_before = len(self.staged.warnings)
        source = self._open(table, path, display, encoding, newlines)
        self.staged.warnings.extend(source.notes)
        matched = self._match_columns(spec, source, mapping)
        if matched is None:
            return
        numeric = [c for c in spec.columns if c.kind in ("money", "number") and c.name in matched]
        dates = [c for c in spec.columns if c.kind == "date" and c.name in matched]
        samples = self._samples(source, [matched[c.name] for c in numeric + dates])
        decimal = detect_decimal(
            [v for values in samples[: len(numeric)] for v in values], source.delimiter
        )
        if decimal == "," and numeric:
            self.staged.warnings.append(f"{display}: numbers read with a decimal comma.")
        chosen = self.options.date_formats.get(table, {})
        date_formats: dict[str, str] = {}
        for col, values in zip(dates, samples[len(numeric) :], strict=True):
            if col.name in chosen:
                date_formats[col.name] = chosen[col.name]
                continue
            fmt = self._detect_dates(source, matched[col.name], col.name, values)
            if fmt is None:
                return
            date_formats[col.name] = fmt

        present = [c for c in spec.columns if c.name in matched]
        extras = {header: f"x_{index}" for header, index in self._extras.items()}
        raw_select = [
            f"NULLIF(trim({source.column_sql(index)}), '') AS x_{index}"
            for index in sorted(set(self._extras.values()))
        ] + [
            f"NULLIF(trim({source.column_sql(matched[c.name])}), '') AS r_{c.name}"
            if c.kind in ("id", "text", "boolean", "choice")
            else f"{source.column_sql(matched[c.name])} AS r_{c.name}"
            for c in present
        ]
        typed_numbers = {
            c.name: source.number_sql(matched[c.name]) for c in present
            if c.kind in ("money", "number") and source.number_sql(matched[c.name])
        }
        raw_select += [f"{expr} AS n_{name}" for name, expr in typed_numbers.items()]
        if source.kind == "xlsx":
            raw_select.append('"_line"')

        def fast_number(c: Column) -> str:
            text = fast_number_sql(f"r_{c.name}", decimal, SQL_TYPES[c.kind])
            if c.name in typed_numbers:
                return f"COALESCE(TRY_CAST(n_{c.name} AS {SQL_TYPES[c.kind]}), {text})"
            return text

        fast = [
            f"{fast_number(c)} AS f_{c.name}"
            if c.kind in ("money", "number")
            else f"{fast_date_sql(f'r_{c.name}')} AS f_{c.name}"
            for c in present
            if c.kind in ("money", "number", "date")
        ]
        typed, checks = [], []
        # Inputs that only derive a stored column come first: the stored column's
        # expression refers to them (``t_gross_profit`` in ``t_cogs``).
        for col in sorted(spec.columns, key=lambda c: c.stored):
            target = SQL_TYPES[col.kind]
            if col.name not in matched:
                if col.stored:
                    typed.append(self._default(table, col, matched))
                continue
            raw, first = f"r_{col.name}", f"f_{col.name}"
            if col.kind in ("money", "number"):
                expr = number_sql(first, raw, decimal, target)
            elif col.kind == "date":
                expr = date_sql(first, raw, date_formats[col.name])
            elif col.kind == "boolean":
                expr = boolean_sql(raw)
            elif col.kind == "choice":
                expr = choice_sql(raw, col.choices)
            else:
                expr = raw
            typed.append(f"{expr} AS t_{col.name}")
            checks.extend(column_checks(col, date_formats.get(col.name), col.name in chosen,
                                        decimal))
        bad = " OR ".join(f"coalesce({c.condition}, false)" for c in checks) or "false"
        passed = [*(f"r_{c.name}" for c in present), *sorted(set(extras.values()))]
        inner = (
            f"SELECT {', '.join(typed)}, {', '.join(passed)}"
            f"{', _line' if source.kind == 'xlsx' else ''} "
            f"FROM (SELECT *{', ' if fast else ''}{', '.join(fast)} "
            f"FROM (SELECT {', '.join(raw_select)} FROM {source.from_sql}))"
        )
        out_cols = [f"t_{c.name} AS {c.name}" for c in spec.columns
                    if c.stored or (c.name == "discount" and c.name in matched)]
        out_cols += sorted(set(extras.values()))
        if source.kind == "xlsx":
            out_cols.append('"_line"')
        name = self.prefix + table
        self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        aggregate = self.aggregate and table in AGGREGATED
        if aggregate and (extras or "discount" in matched):
            raise AggregateDeclined(f"{display}: columns the lines carry for a derivation")
        # Date columns the CSV reader may type itself: ISO dates, as every sampled value is
        # (a time of day or another format: the fast cast below, or the long way).
        reader_dates = {
            col.name for col, values in zip(dates, samples[len(numeric):], strict=True)
            if date_formats[col.name] == "iso" and values
            and all(_PLAIN_ISO.fullmatch(v) for v in values)
        }
        fused = self._stage_fused(name, spec, source, matched, present, extras, decimal,
                                  out_cols, aggregate, reader_dates)
        if aggregate and not fused:
            raise AggregateDeclined(f"{display}: not read in one typed pass")
        if not fused:
            self.con.execute(
                f"CREATE TABLE {quote_ident(name)} AS SELECT {', '.join(out_cols)}, "
                f"({bad}) AS _bad FROM ({inner})",
                source.params,
            )
        provided = {c.name for c in spec.columns if c.name in matched}
        provided |= {target for target, inputs in DERIVED.items() if provided & set(inputs)}
        staged = StagedTable(
            table, name, source, tuple(c.name for c in spec.columns
                                       if c.stored and c.name in provided),
            line_sql=source.line_sql, decimal=decimal, extras=extras, aggregated=aggregate,
        )
        self.staged.tables[table] = staged
        if fused:  # every value read by the fast casts and every check passed
            staged.rows = fused
            self._warn_defaults(table, staged, matched)
            return
        if source.rejects and source.encoding == "utf-8" and self._invalid_encoding(source):
            # Not UTF-8 after all (the first bytes were): read it again, its stray bytes as
            # Windows-1252 and the rest as UTF-8.
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
            del self.staged.tables[table]
            del self.staged.warnings[warnings_before:]
            self._stage_source(table, path, display, mapping, "utf-8+cp1252", newlines)
            return
        if source.rejects and self._report_rejects(source):
            return
        staged.rows = self.con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchall()[0][0]
        if staged.rows == 0:
            self._problem(Problem(display, "has a header but no data rows"))
            return
        bad_rows = self.con.execute(
            f"SELECT count(*) FROM {quote_ident(name)} WHERE _bad"
        ).fetchall()[0][0]
        if bad_rows:
            self._report_bad_values(source, checks, inner)
        self.con.execute(f"ALTER TABLE {quote_ident(name)} DROP COLUMN _bad")
        self._warn_defaults(table, staged, matched)

    def _stage_fused(
        self, name: str, spec: Table, source: Source, matched: dict[str, int],
        present: list[Column], extras: dict[str, str], decimal: str, out_cols: list[str],
        aggregate: bool = False, reader_dates: frozenset[str] | set[str] = frozenset(),
    ) -> int:
        """Stage a clean CSV file in one typed read: its rows (0: not done, stage it the
        long way). ``aggregate``: stage the rows aggregated as they are read
        (``data/sql/read_aggregate_<table>.sql``, :mod:`data.read_cube`), not as lines;
        an empty money cell then counts as a problem (the long way takes it as 0 with a
        warning).

        DuckDB's CSV reader parses the number columns itself (as ``TRY_CAST`` does: the
        same values for every text both accept), dates take the long way's fast ISO cast,
        and only the cheap checks run on the typed values. Any row the reader refuses or
        a check flags, or any date the fast cast cannot read, and the table is dropped:
        the long way then reads the file again and names every problem (file, line,
        column, value) exactly as before. So a valid file is typed once, a file with a
        problem costs one extra read.
        """
        if (source.kind != "csv" or decimal != "." or source.typed
                or any(c.kind not in FUSED_KINDS for c in present)):
            return 0
        types = {matched[c.name]: SQL_TYPES[c.kind] for c in present
                 if c.kind in ("money", "number")}
        if (set(types) & set(self._extras.values())  # a driver's condition reads the text
                or len({matched[c.name] for c in present}) != len(present)):  # one, twice
            return 0
        # A date a driver's condition reads stays text (the condition reads the text).
        reader_dates = {c.name for c in present if c.name in reader_dates
                        and matched[c.name] not in set(self._extras.values())}
        types |= {matched[c.name]: "DATE" for c in present if c.name in reader_dates}
        from_sql, count = source.from_sql, 0
        if reader_dates:
            from_sql, found = re.subn(r"auto_detect=false", "auto_detect=false, "
                                      "dateformat='%Y-%m-%d'", from_sql)
            if found != 1:
                return 0
        for index, target in types.items():
            from_sql, found = re.subn(rf"'c{index}': 'VARCHAR'", f"'c{index}': '{target}'",
                                      from_sql)
            count += found
        rejects = f"_rejects_fused_{self._serial}"
        from_sql, found = re.subn(r"rejects_table='[^']*', rejects_scan='[^']*'",
                                  f"rejects_table='{rejects}', rejects_scan='{rejects}_scan'",
                                  from_sql)
        if count != len(types) or found != 1:
            return 0
        raw_select = [
            f"{trimmed_sql(source.column_sql(index))} AS {column}"
            for index, column in sorted((i, f"x_{i}") for i in set(self._extras.values()))
        ]
        typed, checks = [], []
        # Aggregated: the keys are grouped as read and trimmed after (:meth:`_rekey`),
        # each distinct key once instead of each line's.
        keys = AGGREGATE_KEYS[spec.name] if aggregate else ()
        for c in present:
            column, t = source.column_sql(matched[c.name]), f"t_{c.name}"
            if c.kind in ("id", "text"):
                raw_select.append(f"{column if c.name in keys else trimmed_sql(column)} AS {t}")
                if c.not_empty:
                    checks.append(f"{t} IS NULL")
                continue
            if c.kind in ("boolean", "choice"):  # the long way's expression and check
                raw = f"r_{c.name}"
                raw_select.append(f"{trimmed_sql(column)} AS {raw}")
                expr = boolean_sql(raw) if c.kind == "boolean" else choice_sql(raw, c.choices)
                typed.append(f"{expr} AS {t}")
                checks.append(f"{raw} IS NOT NULL AND {t} IS NULL")
                if c.not_empty:
                    checks.append(f"{raw} IS NULL")
                continue
            if c.name in reader_dates:  # typed by the reader: NULL for an empty cell
                raw_select.append(f"{column} AS {t}")
                checks.append(f"{t} NOT BETWEEN DATE '{YEARS[0]}-01-02' "  # 1900-01-01:
                              f"AND DATE '{YEARS[1]}-12-31'")  # also epoch, infinity
                if c.not_empty:
                    checks.append(f"{t} IS NULL")
                continue
            if c.kind == "date":
                raw = f"r_{c.name}"
                raw_select.append(f"{column} AS {raw}")
                fast = fast_date_sql(raw)
                typed.append(
                    f"CASE WHEN {fast} IS NOT NULL AND isfinite({fast}) AND ascii({raw}) "
                    f"BETWEEN 48 AND 57 AND substr({raw}, 5, 1) = '-' THEN {fast} END AS {t}")
                # Not read by the fast cast (the long way may still read it), or empty where
                # it must not be, or outside the years a date may have.
                checks.append(f"{t} IS NULL AND {raw} IS NOT NULL AND trim({raw}) <> ''")
                checks.append(f"{t} NOT BETWEEN DATE '{YEARS[0]}-01-01' "  # year(), no
                              f"AND DATE '{YEARS[1]}-12-31'")  # finite t: the same test
            else:
                raw_select.append(f"{column} AS {t}")
                checks.append(f"abs({t}) >= {LARGEST:.0f}")
                if c.kind == "number":
                    checks.append(f"NOT isfinite({t})")
            if c.not_empty:
                checks.append(f"{t} IS NULL")
            if c.minimum == "zero":
                checks.append(f"{t} < 0")
            if c.minimum == "positive":
                checks.append(f"{t} <= 0")
        for col in sorted(spec.columns, key=lambda c: c.stored):
            if col.name not in matched and col.stored:
                typed.append(self._default(spec.name, col, matched))
        if aggregate and spec.name == "transactions":  # the long way takes them as 0,
            checks += ["t_list_revenue IS NULL", "t_cogs IS NULL"]  # with a warning
        # Only counted (FILTER (WHERE _bad)): a NULL check counts as passed, no coalesce.
        bad = " OR ".join(f"({c})" for c in checks) or "false"
        names = [c for c in (*(f"t_{c.name}" for c in present
                               if c.kind not in ("date", "boolean", "choice")
                               or c.name in reader_dates),
                             *sorted(set(extras.values())))]
        inner = (f"SELECT {', '.join([*names, *typed])}, ({bad}) AS _bad FROM "
                 f"(SELECT {', '.join(raw_select)} FROM {from_sql})")
        ident = quote_ident(name)
        rows_sql = f"SELECT {', '.join(out_cols)}, _bad FROM ({inner})"
        if aggregate:
            self.con.execute(read_sql(f"read_aggregate_{spec.name}").format(
                name=ident, rows=rows_sql), source.params)
            rows, bad_rows = self._rekey(spec, ident, keys)
        else:
            self.con.execute(f"CREATE TABLE {ident} AS {rows_sql}", source.params)
            rows, bad_rows = self.con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE _bad) FROM {ident}").fetchall()[0]
        refused = self.con.execute(f"SELECT count(*) FROM {rejects}").fetchall()[0][0]
        self.con.execute(f"DROP TABLE IF EXISTS {rejects}")
        self.con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
        if refused or bad_rows or not rows:
            self.con.execute(f"DROP TABLE {ident}")
            return 0
        if not aggregate:
            self.con.execute(f"ALTER TABLE {ident} DROP COLUMN _bad")
        return rows

    def _rekey(self, spec: Table, ident: str, keys: tuple[str, ...]) -> tuple[int, int]:
        """The rows and bad rows of an aggregate grouped by its keys as read: keys the
        trim may change trimmed (as :func:`trimmed_sql`) and their groups merged
        (``data/sql/read_rekey_<table>.sql``), a required key the trim empties counted
        bad. Merging groups whose keys the trim leaves alone changes nothing."""
        changed = " OR ".join(f"NOT ({untrimmed_sql(k)})" for k in keys)
        rows, bad_rows, unclean = self.con.execute(
            f"SELECT coalesce(sum(rows), 0), sum(bad_rows), count(*) FILTER (WHERE {changed}) "
            f"FROM {ident}").fetchall()[0]
        empty = 0
        if unclean:  # (a query of its own: DuckDB would trim every key, 0.09 s a million)
            emptied = " OR ".join(f"trim({k}) = ''" for k in keys
                                  if spec.column(k).not_empty) or "false"
            empty = self.con.execute(f"SELECT coalesce(sum(rows), 0) FROM {ident} "
                                     f"WHERE ({changed}) AND ({emptied})").fetchall()[0][0]
        if unclean and not empty and not bad_rows:
            merged = quote_ident(f"{spec.name}_rekeyed_{self._serial}")
            self.con.execute(read_sql(f"read_rekey_{spec.name}").format(
                name=ident, target=merged))
            self.con.execute(f"DROP TABLE {ident}")
            self.con.execute(f"ALTER TABLE {merged} RENAME TO {ident}")
        return rows, (bad_rows or 0) + empty

    def _default(self, table: str, col: Column, matched: dict[str, int]) -> str:
        target = SQL_TYPES[col.kind]
        if table == "transactions" and col.name == "list_revenue":
            return "t_net_revenue AS t_list_revenue"
        if table == "transactions" and col.name == "cogs":
            if "gross_profit" in matched:
                return "t_net_revenue - t_gross_profit AS t_cogs"
            if "unit_cost" in matched:
                return f"CAST(round(t_unit_cost * t_quantity, 4) AS {target}) AS t_cogs"
            return f"CAST(0 AS {target}) AS t_cogs"
        return f"CAST(NULL AS {target}) AS t_{col.name}"

    def _warn_defaults(self, table: str, staged: StagedTable, matched: dict[str, int]) -> None:
        if table != "transactions":
            return
        display = staged.source.display
        cogs_from = next((c for c in DERIVED["cogs"] if c in matched), None)
        if cogs_from is None:
            self.staged.warnings.append(
                f"{display}: no cogs column, so COGS is taken as 0 and net margin equals net "
                "revenue."
            )
        if not set(DERIVED["list_revenue"]) & set(matched):
            self.staged.warnings.append(
                f"{display}: no list_revenue column, so list revenue equals net revenue "
                "(no discounts)."
            )
        name = quote_ident(staged.name)
        # A report's aggregate has no empty money cell (one declined it: the long way
        # takes it as its default, with this warning).
        defaults = () if staged.aggregated else (("cogs", "0"), ("list_revenue", "net_revenue"))
        for column, default in defaults:
            if column in matched or (column == "cogs" and cogs_from):
                empty = self.con.execute(
                    f"SELECT count(*) FROM {name} WHERE {column} IS NULL"
                ).fetchall()[0][0]
                if empty:
                    self.con.execute(
                        f"UPDATE {name} SET {column} = {default} WHERE {column} IS NULL"
                    )
                    given = cogs_from if column == "cogs" else column
                    what = f"{given}," if given == column else f"{given}: {column}"
                    self.staged.warnings.append(
                        f"{display}: {empty:,} row(s) with an empty {what} taken as "
                        f"{'0' if default == '0' else 'net_revenue'}."
                    )
        if cogs_from:
            self._check_cogs_sign(staged, cogs_from)

    def _check_cogs_sign(self, staged: StagedTable, cogs_from: str) -> None:
        """A COGS column that looks like profit (or the reverse), flagged before loading."""
        if staged.aggregated:  # counted while read (read_aggregate_transactions.sql)
            sql = "SELECT sum(negative_cogs), sum(positive_lines) FROM {name}"
        else:
            sql = ("SELECT count(*) FILTER (WHERE cogs < 0), count(*) FROM {name} "
                   "WHERE net_revenue > 0")
        negative, lines = self.con.execute(
            sql.format(name=quote_ident(staged.name))).fetchall()[0]
        if not lines or negative < max(1, lines // 100):
            return
        display = staged.source.display
        if cogs_from == "gross_profit":
            hint = ("gross profit exceeds net revenue there: is this a cost column? Map it as "
                    "cogs")
            what = "cogs (net revenue - gross_profit)"
        else:
            hint = ("is this a profit column? Map it as gross_profit" if cogs_from == "cogs"
                    else "check the unit_cost and quantity columns")
            what = cogs_from if cogs_from == "cogs" else "cogs (unit_cost x quantity)"
        self.staged.warnings.append(
            f"{display}: {what} is negative on {negative:,} of {lines:,} lines with positive "
            f"net revenue: {hint}."
        )

    def _invalid_encoding(self, source: Source) -> bool:
        found = self.con.execute(
            f"SELECT count(*) FROM {source.rejects} WHERE error_type = 'INVALID ENCODING'"
        ).fetchall()[0][0]
        if found:
            self.con.execute(f"DROP TABLE IF EXISTS {source.rejects}")
            self.con.execute(f"DROP TABLE IF EXISTS {source.rejects}_scan")
        return bool(found)

    def _report_rejects(self, source: Source) -> bool:
        """Rows DuckDB could not split into the header's fields, one problem per row."""
        lines, errors = self.con.execute(
            f"SELECT count(DISTINCT line), count(*) FROM {source.rejects}"
        ).fetchall()[0]
        shown = self.con.execute(
            "SELECT line, min(error_type), max(TRY_CAST(regexp_extract(error_message, "
            f"'Found: (\\d+)', 1) AS INTEGER)) FROM {source.rejects} GROUP BY line ORDER BY line "
            f"LIMIT {MAX_LINES_PER_PROBLEM * 2}"
        ).fetchall()
        self.con.execute(f"DROP TABLE IF EXISTS {source.rejects}")
        self.con.execute(f"DROP TABLE IF EXISTS {source.rejects}_scan")
        if not shown:
            return False
        expected = len(source.headers)
        numbers = record_lines(Path(source.params[0]), [int(row[0]) for row in shown])
        for line, error_type, found in shown:
            if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
                text = (f"the row has {found if found is not None else 'a different number of'} "
                        f"field(s), the header has {expected}")
            elif error_type == "UNQUOTED VALUE":
                text = "a quote is not closed or a field has stray quotes"
            elif error_type == "LINE SIZE OVER MAXIMUM":
                text = line_too_long()
            else:
                text = f"cannot be read as CSV ({str(error_type).lower()})"
            self._problem(Problem(source.display, text, line=numbers[int(line)]))
        if lines > len(shown):
            at_least = "at least " if errors >= REJECTS_KEPT else ""
            self._problem(Problem(source.display, f"{at_least}{lines - len(shown):,} more rows "
                                  "cannot be read as CSV"))
        return True

    def _report_bad_values(self, source: Source, checks: list[Check], inner: str) -> None:
        raw = f"_raw_{self._serial}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {raw} AS {inner}", source.params)
        try:
            for check in checks:
                query = (
                    f"SELECT {source.line_sql} AS line, r_{check.column} FROM {raw} "
                    f"WHERE {check.condition}"
                )
                total = self.con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]
                if not total:
                    continue
                rows = self.con.execute(
                    f"{query} ORDER BY line LIMIT {MAX_LINES_PER_PROBLEM}"
                ).fetchall()
                for line, value in rows:
                    self._problem(Problem(
                        source.display, check.message, line=int(line), column=check.column,
                        value=value if check.show_value else None, line_word=source.line_word,
                    ))
                if total > len(rows):
                    self._problem(Problem(
                        source.display,
                        f"{total - len(rows):,} more row(s) where it {check.message}",
                        column=check.column,
                    ))
        finally:
            self.con.execute(f"DROP TABLE IF EXISTS {raw}")

    # -- cross-table rules --

    def _first_lines(self, staged: StagedTable, where: str, key: str) -> list[tuple]:
        """(key value, first line, rows) for the rows of a staged table matching ``where``."""
        return self.con.execute(
            f"SELECT {key}, min({staged.line_sql}) AS line, count(*) FROM "
            f"{quote_ident(staged.name)} WHERE {where} GROUP BY {key} ORDER BY line "
            f"LIMIT {MAX_LINES_PER_PROBLEM * 4}"
        ).fetchall()

    def _cross_checks(self) -> None:
        tables = self.staged.tables
        failed_files = {p.file for p in self.staged.problems}

        def ok(table: str) -> StagedTable | None:
            staged = tables.get(table)
            if staged is None or staged.source.display in failed_files:
                return None
            return staged

        for table, key in (("customers", "customer_id"), ("resources", "resource"),
                           ("rates", "activity")):
            staged = ok(table)
            if staged:
                self._duplicates(staged, key)
        rates, resources, activities = ok("rates"), ok("resources"), ok("activities")
        if rates:
            self._rate_rows(rates, resources, "resources" in self._provided)
        if "activities" in self._provided and "rates" not in self._provided:
            self._problem(Problem(
                self._displays["activities"],
                "needs a rates file to cost its activities (rates.csv with activity and "
                "cost_per_unit, or resource and unit_time)",
            ))
        if activities and rates and activities.aggregated:
            # Named with their lines by the usual way.
            if self.con.execute(
                f"SELECT count(*) FROM {quote_ident(activities.name)} WHERE activity NOT IN "
                f"(SELECT activity FROM {quote_ident(rates.name)})"
            ).fetchall()[0][0]:
                raise AggregateDeclined("an activity without a rate")
        elif activities and rates:
            where = f"activity NOT IN (SELECT activity FROM {quote_ident(rates.name)})"
            missing = self._first_lines(activities, where, "activity")
            total = None
            if len(missing) == UNRATED_NAMED:  # more may have no rate: count them
                total = self.con.execute(
                    f"SELECT count(DISTINCT activity) FROM {quote_ident(activities.name)} "
                    f"WHERE {where}"
                ).fetchall()[0][0]
            for problem in unrated_activities(
                    activities.source.display, rates.source.display, missing, total=total,
                    line_word=activities.source.line_word):
                self._problem(problem)
        if activities and "date" in activities.present:
            undated = self.con.execute(
                f"SELECT coalesce(sum(undated_rows), 0) FROM {quote_ident(activities.name)}"
                if activities.aggregated else
                f"SELECT count(*) FROM {quote_ident(activities.name)} WHERE date IS NULL"
            ).fetchall()[0][0]
            if undated:
                self.staged.warnings.append(
                    f"{activities.source.display}: {undated:,} row(s) without a date are "
                    "prorated to a chosen period by its share of the data's span, as "
                    "capacity is."
                )

    def _duplicates(self, staged: StagedTable, key: str) -> None:
        name, line = quote_ident(staged.name), staged.line_sql
        limit = MAX_LINES_PER_PROBLEM * 4
        rows = self.con.execute(
            f"SELECT {key}, line, first FROM (SELECT {key}, {line} AS line, "
            f"min({line}) OVER (PARTITION BY {key}) AS first FROM {name}) "
            f"WHERE line > first ORDER BY line LIMIT {limit + 1}"
        ).fetchall()
        word = staged.source.line_word
        for value, line_no, first in rows[:limit]:
            self._problem(Problem(
                staged.source.display, f"is a duplicate of {word} {first}",
                line=int(line_no), column=key, value=value, line_word=word,
            ))
        if len(rows) > limit:
            total = self.con.execute(
                f"SELECT count(*) - count(DISTINCT {key}) FROM {name}"
            ).fetchall()[0][0]
            self._problem(Problem(staged.source.display,
                                  f"{total - limit:,} more duplicate row(s)", column=key))
        if len(rows) > limit and staged.table == "customers":
            self._problem(Problem(
                staged.source.display, "if this file repeats each customer on every line (an "
                "export of order lines), load it as the transactions file and take the "
                "customer attributes from it (the Data page's switch \"This file also holds "
                "customer attributes\", or a recipe's [customers] with the transactions file)",
            ))

    def _rate_rows(
        self, rates: StagedTable, resources: StagedTable | None, have_resources: bool
    ) -> None:
        name = quote_ident(rates.name)
        display = rates.source.display
        word = rates.source.line_word
        rules = (
            ("cost_per_unit IS NOT NULL AND (resource IS NOT NULL OR unit_time IS NOT NULL)",
             None, "gives both cost_per_unit and resource/unit_time: give one or the other"),
            ("cost_per_unit IS NULL AND resource IS NULL AND unit_time IS NULL",
             None, "has no cost_per_unit, and no resource with unit_time"),
            ("cost_per_unit IS NULL AND resource IS NOT NULL AND unit_time IS NULL",
             "unit_time", "is empty (a rate with a resource needs unit_time)"),
            ("cost_per_unit IS NULL AND resource IS NULL AND unit_time IS NOT NULL",
             "resource", "is empty (a rate with unit_time needs a resource)"),
        )
        for where, column, message in rules:
            found = self.con.execute(
                f"SELECT activity, {rates.line_sql} AS line FROM {name} WHERE {where} "
                f"ORDER BY line LIMIT {MAX_LINES_PER_PROBLEM + 1}"
            ).fetchall()
            for activity, line in found[:MAX_LINES_PER_PROBLEM]:
                self._problem(Problem(display, f"activity {activity!r} {message}",
                                      line=int(line), column=column, line_word=word))
            if len(found) > MAX_LINES_PER_PROBLEM:
                total = self.con.execute(
                    f"SELECT count(*) FROM {name} WHERE {where}"
                ).fetchall()[0][0]
                self._problem(Problem(
                    display, f"{total - MAX_LINES_PER_PROBLEM:,} more row(s) like these",
                    column=column,
                ))
        named = "resource IS NOT NULL AND cost_per_unit IS NULL"

        def at(line) -> int | None:  # rows a recipe gave have no line in a file
            return None if rates.source.kind == "recipe" else int(line)

        if resources:
            where = (
                f"{named} AND resource NOT IN "
                f"(SELECT resource FROM {quote_ident(resources.name)})"
            )
            for value, line, _ in self._first_lines(rates, where, "resource"):
                self._problem(Problem(display, f"is not in {resources.source.display}",
                                      line=at(line), column="resource", value=value,
                                      line_word=word))
        elif not have_resources:
            for value, line, _ in self._first_lines(rates, named, "resource"):
                where = ("resources file" if rates.source.kind != "recipe"
                         else "resources (a file, or the recipe's [[resources]])")
                self._problem(Problem(display, f"names a resource but the dataset has no "
                                      f"{where}", line=at(line), column="resource",
                                      value=value, line_word=word))
