"""Recipes: how an export becomes the import contract, as a human-editable TOML file.

A recipe names the file behind each table, maps the contract's columns to the file's
headers, fixes date formats, derives money columns, takes customer attributes from the
transactions file, counts cost drivers from the invoice lines and gives resources. The
Data page writes one (*Download recipe*), the command line reads one
(``python -m analytics load --recipe RECIPE``). Every key is documented in
``data/DICTIONARY.md``. Files are relative to the recipe's folder.

>>> text = '''
... [transactions]
... file = "lines.csv"
... date_format = "DD/MM/YY"
... [transactions.columns]
... customer_id = "Customer No"
... [[drivers]]
... activity = "Order handling"
... per = "order"
... cost_per_unit = 12.5
... '''
>>> recipe = parse_recipe(text, Path("/data"), "month.toml")
>>> recipe.tables["transactions"].file, recipe.drivers[0].per
(PosixPath('/data/lines.csv'), 'order')
>>> parse_recipe(recipe.to_toml(), Path("/data"), "month.toml") == recipe
True
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from data.contract import DERIVED, TABLE_ORDER, TABLES
from data.dates import DATE_FORMATS, format_name
from data.drivers import PER, Condition, Driver, ResourceSpec
from data.problems import DatasetError, Problem

DISCOUNT_SCALES = ("fraction", "percent")
FILE_TABLES = ("transactions", "activities", "rates", "resources", "customers")
_TABLE_KEYS = {"file", "columns", "date_format", "discount_scale"}
_DRIVER_KEYS = {"activity", "per", "where", "cost_per_unit", "resource", "unit_time",
                "relationship"}
_RESOURCE_KEYS = {"resource", "cost", "capacity"}
_SOURCE_KEYS = {"engine", "table", "master"}
ENGINES = ("duckdb", "spark")
# A catalog table's name: one to three dot-separated parts (catalog.schema.table), each
# a plain identifier or a back-quoted one.
_PART = r"(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)"
_TABLE_NAME = re.compile(rf"{_PART}(?:\.{_PART}){{0,2}}")


@dataclass(frozen=True)
class RecipeSource:
    """Where a recipe's lines are aggregated (``[source]``): the ``engine`` (``duckdb``,
    the default, or ``spark``), a catalog ``table`` the Spark engine reads through
    ``spark.table`` in place of the transactions file, and the Spark ``master``."""

    engine: str = "duckdb"
    table: str | None = None
    master: str | None = None


@dataclass(frozen=True)
class LoadOptions:
    """What a load does besides reading files as they are (the importer's side of a
    recipe): date formats, the discount scale, customer attributes taken from the
    transactions file, drivers counted from its lines, resources given inline."""

    date_formats: dict[str, dict[str, str]] = field(default_factory=dict)
    discount_scale: str | None = None
    customers_from_transactions: bool = False
    drivers: tuple[Driver, ...] = ()
    resources: tuple[ResourceSpec, ...] = ()
    origin: str = "recipe"  # named in problems with drivers and resources
    # Keep every column of the transactions file (as text) for a driver preview.
    keep_all_columns: bool = False


@dataclass(frozen=True)
class TableEntry:
    """One table's file, column mapping (header, or None: not in the file; a contract
    column left out is matched by its own name) and date formats (format names)."""

    file: Path | None  # None: the lines come from the recipe's [source] table
    columns: dict[str, str | None] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    tables: dict[str, TableEntry]
    drivers: tuple[Driver, ...] = ()
    resources: tuple[ResourceSpec, ...] = ()
    discount_scale: str | None = None
    name: str = "recipe"
    # The loyalty ladder's rungs in order, bottom first ([ladder] rungs = [...]): names
    # checked by the analytics that use them (analytics.relationships.check_ladder).
    ladder: tuple[str, ...] = ()
    source: RecipeSource = field(default_factory=RecipeSource)

    @property
    def customers_from_transactions(self) -> bool:
        customers, lines = self.tables.get("customers"), self.tables.get("transactions")
        if not (customers and lines):
            return False
        if customers.file is None or lines.file is None:  # both from the [source] table
            return customers.file is None and lines.file is None
        return _same_file(customers.file, lines.file)

    def files(self) -> dict[str, Path]:
        """Table -> file to read (customers taken from the transactions file are not
        read twice)."""
        files = {t: e.file for t, e in self.tables.items() if e.file is not None}
        if self.customers_from_transactions:
            files.pop("customers", None)
        return files

    def mappings(self) -> dict[str, dict[str, str | None]]:
        mappings = {t: dict(e.columns) for t, e in self.tables.items()}
        if self.customers_from_transactions:
            attributes = {k: v for k, v in mappings.pop("customers").items()
                          if k != "customer_id"}
            mappings["transactions"] = {**mappings.get("transactions", {}), **attributes}
        return mappings

    def options(self) -> LoadOptions:
        formats = {t: dict(e.date_formats) for t, e in self.tables.items() if e.date_formats}
        if self.customers_from_transactions and "customers" in formats:
            formats["transactions"] = {**formats.get("transactions", {}),
                                       **formats.pop("customers")}
        return LoadOptions(
            date_formats=formats, discount_scale=self.discount_scale,
            customers_from_transactions=self.customers_from_transactions,
            drivers=self.drivers, resources=self.resources, origin=self.name,
        )

    def to_toml(self, base: Path | None = None) -> str:
        """The recipe as TOML; files relative to ``base`` when they lie under it."""
        out = ["# ProfitLens recipe: how this export becomes the import contract.",
               "# Every key is explained in data/DICTIONARY.md.", ""]
        if self.source != RecipeSource():
            out.append("[source]")
            out.append(f"engine = {_q(self.source.engine)}")
            for key in ("table", "master"):
                if getattr(self.source, key) is not None:
                    out.append(f"{key} = {_q(getattr(self.source, key))}")
            out.append("")
        for table in TABLE_ORDER:
            entry = self.tables.get(table)
            if entry is None:
                continue
            out.append(f"[{table}]")
            if entry.file is not None:
                out.append(f"file = {_q(_relative(entry.file, base))}")
            formats = {c: DATE_FORMATS[f][2] for c, f in entry.date_formats.items()}
            dates = [c.name for c in TABLES[table].columns if c.kind == "date"]
            if formats and list(formats) == dates[:1] and len(dates) == 1:
                out.append(f"date_format = {_q(next(iter(formats.values())))}")
            elif formats:
                out.append("date_format = " + _inline(formats))
            if table == "transactions" and self.discount_scale:
                out.append(f"discount_scale = {_q(self.discount_scale)}")
            if entry.columns:
                out.append(f"[{table}.columns]")
                for column, header in entry.columns.items():
                    out.append(f"{column} = {_q(header or '')}")
            out.append("")
        for driver in self.drivers:
            out.append("[[drivers]]")
            out.append(f"activity = {_q(driver.activity)}")
            out.append(f"per = {_q(driver.per)}")
            if driver.where:
                out.append("where = " + _inline({c.column: c.toml_value() for c in driver.where}))
            if driver.cost_per_unit is not None:
                out.append(f"cost_per_unit = {_num(driver.cost_per_unit)}")
            else:
                out.append(f"resource = {_q(driver.resource)}")
                out.append(f"unit_time = {_num(driver.unit_time)}")
            if driver.relationship:
                out.append("relationship = true")
            out.append("")
        for resource in self.resources:
            out += ["[[resources]]", f"resource = {_q(resource.resource)}",
                    f"cost = {_num(resource.cost)}", f"capacity = {_num(resource.capacity)}", ""]
        if self.ladder:
            out += ["[ladder]", "rungs = [" + ", ".join(_q(r) for r in self.ladder) + "]", ""]
        return "\n".join(out)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return Path(a) == Path(b)


def _relative(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix() if base is None else str(Path(path).resolve())


def _q(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)


def _num(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _inline(items: dict) -> str:
    def value(v):
        return "[" + ", ".join(_q(x) for x in v) + "]" if isinstance(v, list) else _q(v)

    return "{ " + ", ".join(f"{_q(k)} = {value(v)}" for k, v in items.items()) + " }"


def read_recipe(path: str | Path) -> Recipe:
    """The recipe in ``path``; raises DatasetError with one problem per bad key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError([Problem(str(path), "no such recipe file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError([Problem(path.name, f"cannot be read as UTF-8 text ({exc})")]) \
            from None
    return parse_recipe(text, path.resolve().parent, path.name, check_files=True,
                        catalog=True)


def parse_recipe(text: str, base: Path, name: str = "recipe", *, check_files: bool = False,
                 catalog: bool = False) -> Recipe:
    """A recipe from TOML ``text``, its files relative to ``base`` (``check_files``: each
    must exist; the Data page matches them to uploads by name instead). ``catalog``: a
    ``[source] table`` (a catalog table the Spark engine reads) is allowed; the Data page,
    which reads uploads, refuses one saying where it can be loaded."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DatasetError([Problem(name, f"is not valid TOML ({exc})")]) from None
    problems: list[Problem] = []

    def bad(key: str, message: str, value: object = None) -> None:
        shown = None if value is None else (value if isinstance(value, str) else repr(value))
        problems.append(Problem(name, message, column=key, value=shown))

    known = set(FILE_TABLES) | {"drivers", "ladder", "source"}
    for key in doc:
        if key not in known:
            bad(key, "is not a key of a recipe (known: " + ", ".join(sorted(known)) + ")")
    source = _source(doc.get("source"), bad, catalog)
    tables: dict[str, TableEntry] = {}
    inline_resources: list = []
    for table in FILE_TABLES:
        section = doc.get(table)
        if section is None:
            continue
        if table == "resources" and isinstance(section, list):
            inline_resources = section
            continue
        if not isinstance(section, dict):
            bad(table, "must be a table ([" + table + "]) with a file key")
            continue
        from_table = source.table is not None and table in ("transactions", "customers")
        if from_table and "file" in section:
            bad(f"{table}.file", f"the lines come from the catalog table {source.table} "
                "([source] table): give the file or the table, not both", section["file"])
            continue
        entry = _table_entry(table, section, base, bad, from_table)
        if entry is not None and entry.file is not None and check_files \
                and not entry.file.is_file():
            bad(f"{table}.file", f"no such file (looked for {entry.file})",
                section.get("file"))
        elif entry is not None:
            tables[table] = entry
    if "transactions" not in tables and "transactions" not in doc:
        bad("transactions", "a recipe needs a [transactions] table with its file")
    scale = doc.get("transactions", {}).get("discount_scale") \
        if isinstance(doc.get("transactions"), dict) else None
    if scale is not None and scale not in DISCOUNT_SCALES:
        bad("transactions.discount_scale", "must be fraction or percent", scale)
        scale = None
    drivers = _drivers(doc.get("drivers", []), bad)
    resources = _resources(inline_resources, bad)
    ladder = _ladder(doc.get("ladder"), bad)
    if problems:
        raise DatasetError(problems)
    return Recipe(tables, drivers, resources, scale, name, ladder, source)


def _source(section, bad, catalog: bool) -> RecipeSource:
    """``[source]``: ``engine`` (duckdb or spark), a catalog ``table`` and a ``master``,
    the last two for the Spark engine only."""
    if section is None:
        return RecipeSource()
    if not isinstance(section, dict):
        bad("source", "must be a table ([source]) with engine, and table or master")
        return RecipeSource()
    for unknown in sorted(set(section) - _SOURCE_KEYS):
        bad(f"source.{unknown}", "is not a key of [source] (known: engine, master, table)")
    engine = section.get("engine", "duckdb")
    if engine not in ENGINES:
        bad("source.engine", "must be duckdb or spark", engine)
        engine = "duckdb"
    values: dict[str, str | None] = {}
    for key, what in (("table", "names a catalog table, such as sales.order_lines"),
                      ("master", "is a Spark master URL, such as local[*], "
                       "spark://host:7077 or sc://host:15002")):
        value = section.get(key)
        if value is None:
            values[key] = None
            continue
        if not isinstance(value, str) or not value.strip() or (
                key == "table" and not _TABLE_NAME.fullmatch(value.strip())):
            bad(f"source.{key}", what, value)
            values[key] = None
            continue
        values[key] = value.strip()
        if engine != "spark":
            bad(f"source.{key}", "is for the Spark engine: add engine = \"spark\" to "
                "[source]", value)
    if values["table"] is not None and not catalog:
        bad("source.table", "a catalog table is read by the command line's Spark engine "
            "(python -m analytics load --recipe RECIPE), not from uploads: load this "
            "recipe there", values["table"])
    return RecipeSource(engine, values["table"], values["master"])


def _ladder(section, bad) -> tuple[str, ...]:
    """``[ladder]`` with ``rungs = ["repurchases", ...]``: the names, in order."""
    if section is None:
        return ()
    if not isinstance(section, dict) or set(section) - {"rungs"}:
        bad("ladder", "must be a table ([ladder]) with one key, rungs")
        return ()
    rungs = section.get("rungs")
    if (not isinstance(rungs, list) or not rungs
            or not all(isinstance(r, str) and r.strip() for r in rungs)):
        bad("ladder.rungs", "lists the rungs' names in order, bottom first", rungs)
        return ()
    return tuple(r.strip() for r in rungs)


def _table_entry(table: str, section: dict, base: Path, bad,
                 from_table: bool = False) -> TableEntry | None:
    """One table's entry; ``from_table``: its rows come from the recipe's [source] table
    (no file)."""
    for key in section:
        if key not in _TABLE_KEYS or (key == "discount_scale" and table != "transactions"):
            bad(f"{table}.{key}", "is not a key of a table (known: file, columns, "
                "date_format" + (", discount_scale" if table == "transactions" else "") + ")")
    file = section.get("file")
    if not from_table and (not isinstance(file, str) or not file.strip()):
        bad(f"{table}.file", "names the table's file (relative to the recipe's folder)")
        return None
    spec = TABLES[table]
    columns: dict[str, str | None] = {}
    raw_columns = section.get("columns", {})
    if not isinstance(raw_columns, dict):
        bad(f"{table}.columns", "must be a table of contract column = header in the file")
        raw_columns = {}
    for column, header in raw_columns.items():
        if column not in spec.names:
            bad(f"{table}.columns.{column}", "is not a column of " + table + " (known: "
                + ", ".join(spec.names) + ")")
        elif not isinstance(header, str):
            bad(f"{table}.columns.{column}", "must be the header's text (\"\" when the "
                "column is not in the file)", header)
        else:
            columns[column] = header.strip() or None
    for target, inputs in DERIVED.items():
        given = [c for c in inputs if columns.get(c)] if table == "transactions" else []
        if len(given) > 1:
            bad(f"{table}.columns", f"{' and '.join(given)} both give {target}: map one "
                "of them")
    dates = [c.name for c in spec.columns if c.kind == "date"]
    formats: dict[str, str] = {}
    raw_format = section.get("date_format")
    if isinstance(raw_format, str):
        raw_format = dict.fromkeys(dates[:1], raw_format) if dates else {"": raw_format}
    if raw_format is not None and not isinstance(raw_format, dict):
        bad(f"{table}.date_format", "must be a format such as \"DD/MM/YY\", or a table of "
            "column = format", raw_format)
        raw_format = {}
    labels = ", ".join(label for _, _, label in DATE_FORMATS.values())
    for column, label in (raw_format or {}).items():
        if column not in dates:
            bad(f"{table}.date_format", f"{table} has no date column {column!r} (date "
                f"columns: {', '.join(dates) or 'none'})")
        elif not isinstance(label, str) or format_name(label) is None:
            bad(f"{table}.date_format", f"is not a date format (known: {labels})", label)
        else:
            formats[column] = format_name(label)
    return TableEntry(None if from_table else base / file, columns, formats)


def _number(value, key: str, bad, *, positive: bool = False) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad(key, "is not a number", value)
        return None
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bad(key, "must be greater than 0" if positive else "must be 0 or more", value)
        return None
    return value


def _drivers(entries, bad) -> tuple[Driver, ...]:
    if not isinstance(entries, list):
        bad("drivers", "must be a list of [[drivers]] tables")
        return ()
    drivers, seen = [], {}
    for number, entry in enumerate(entries, start=1):
        key = f"drivers[{number}]"
        if not isinstance(entry, dict):
            bad(key, "must be a table")
            continue
        for unknown in set(entry) - _DRIVER_KEYS:
            bad(f"{key}.{unknown}", "is not a key of a driver (known: "
                + ", ".join(sorted(_DRIVER_KEYS)) + ")")
        activity = entry.get("activity")
        if not isinstance(activity, str) or not activity.strip():
            bad(f"{key}.activity", "names the activity the driver counts")
            continue
        activity = activity.strip()
        if activity in seen:
            bad(f"{key}.activity", f"is also the activity of drivers[{seen[activity]}]",
                activity)
        seen.setdefault(activity, number)
        per = entry.get("per")
        if per not in PER:
            bad(f"{key}.per", f"must be one of {', '.join(PER)}", per)
        where = entry.get("where", {})
        conditions = []
        if not isinstance(where, dict):
            bad(f"{key}.where", "must be a table of column = values or comparison")
            where = {}
        for column, spec in where.items():
            try:
                conditions.append(Condition.parse(column, spec))
            except ValueError as exc:
                bad(f"{key}.where.{column}", str(exc))
        resource = entry.get("resource")
        if resource is not None and (not isinstance(resource, str) or not resource.strip()):
            bad(f"{key}.resource", "names a resource", resource)
            resource = None
        relationship = entry.get("relationship", False)
        if not isinstance(relationship, bool):
            bad(f"{key}.relationship", "must be true or false (true: the activity is "
                "relationship investment)", relationship)
            relationship = False
        driver = Driver(
            activity, per if per in PER else "line", tuple(conditions),
            _number(entry.get("cost_per_unit"), f"{key}.cost_per_unit", bad),
            resource.strip() if isinstance(resource, str) else None,
            _number(entry.get("unit_time"), f"{key}.unit_time", bad),
            relationship,
        )
        for sub, message in driver.problems():
            if "must be a number" not in message:
                bad(f"{key}.{sub}", message)
        drivers.append(driver)
    return tuple(drivers)


def _resources(entries, bad) -> tuple[ResourceSpec, ...]:
    resources, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        key = f"resources[{number}]"
        if not isinstance(entry, dict):
            bad(key, "must be a table")
            continue
        for unknown in set(entry) - _RESOURCE_KEYS:
            bad(f"{key}.{unknown}", "is not a key of a resource (known: capacity, cost, "
                "resource)")
        name = entry.get("resource")
        if not isinstance(name, str) or not name.strip():
            bad(f"{key}.resource", "names the resource")
            continue
        if name.strip() in seen:
            bad(f"{key}.resource", "is given twice", name)
        seen.add(name.strip())
        cost = _number(entry.get("cost"), f"{key}.cost", bad)
        capacity = _number(entry.get("capacity"), f"{key}.capacity", bad, positive=True)
        for sub, value in (("cost", entry.get("cost")), ("capacity", entry.get("capacity"))):
            if value is None:
                bad(f"{key}.{sub}", "is required")
        if cost is not None and capacity is not None:
            resources.append(ResourceSpec(name.strip(), cost, capacity))
    return tuple(resources)
