"""The store: the only code that talks to DuckDB.

One DuckDB database file (``data/profitlens.duckdb`` unless ``PROFITLENS_DB`` says
otherwise) holds the active dataset: the five contract tables plus ``dataset``, one
row describing it (version id, when and from what it was loaded, row counts, warnings).

A load stages every file into ``_stage_*`` tables, validates them, and only then, in one
transaction, drops the live tables and renames the staged ones into place: a load that
fails at any point leaves the previous dataset exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data.contract import SQL_TYPES, TABLE_ORDER, TABLES
from data.importer import DatasetError, Importer, Problem, Progress, quote_ident
from data.recipe import LoadOptions, Recipe
from data.sources import table_files

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "profitlens.duckdb"
SQL_DIR = DATA_DIR / "sql"
SAMPLE_LABEL = "Embedded sample dataset"
STAGE_PREFIX = "_stage_"
PREVIEW_LIFETIME_S = 2 * 3600  # a validated upload not loaded within this is dropped


def db_path() -> str:
    """Where the store lives: ``PROFITLENS_DB`` or ``data/profitlens.duckdb``."""
    return os.environ.get("PROFITLENS_DB") or str(DEFAULT_DB)


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class LoadResult:
    version: str
    rows: dict[str, int]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class PendingLoad:
    """A validated dataset staged beside the live one, waiting to be committed."""

    token: str
    source: str
    files: dict[str, str]
    stages: dict[str, str]
    xlsx: tuple[str, ...]
    rows: dict[str, int]
    columns: dict[str, list[str]]
    warnings: tuple[str, ...]
    samples: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetInfo:
    version: str
    loaded_at: dt.datetime
    source: str
    files: dict[str, str]
    rows: dict[str, int]
    columns: dict[str, list[str]]
    warnings: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None

    def has_column(self, table: str, column: str) -> bool:
        return column in self.columns.get(table, [])


@dataclass(frozen=True)
class CustomerBase:
    """The per-customer table the analytics work on, for one period and filter.

    ``customers`` is indexed by customer_id with attributes (name, segment, region,
    since, wallet) and revenue measures; ``volumes`` holds driver quantities (customers x
    activities); ``period_fraction`` is the share of the dataset's date span analysed.
    """

    customers: pd.DataFrame
    volumes: pd.DataFrame
    rates: pd.DataFrame
    resources: pd.DataFrame
    period_fraction: float
    start: dt.date | None
    end: dt.date | None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Driver volume per activity over every customer in the period, before any segment
    # or region filter: resources serve the whole base, so capacity is measured on it.
    period_volume: pd.Series | None = None


def _empty_table_sql(table: str, name: str) -> str:
    columns = ", ".join(
        f"{quote_ident(c.name)} {SQL_TYPES[c.kind]}" for c in TABLES[table].stored
    )
    return f"CREATE TABLE {quote_ident(name)} ({columns})"


class Store:
    """A DuckDB-backed dataset store. ``Store(":memory:")`` for tests and one-off reports.

    Methods are safe to call from several threads: each opens its own cursor, and loads
    are serialised by a lock.
    """

    def __init__(self, path: str | Path | None = None, *, memory_limit: str | None = None):
        self.path = str(path) if path is not None else db_path()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        config = {"memory_limit": memory_limit or os.environ.get("PROFITLENS_MEMORY_LIMIT", "2GB")}
        if self.path == ":memory:":
            # Spill files go to the system's temporary folder, not the working directory
            # (a file database spills beside itself). Set once: DuckDB refuses to move it
            # after first use.
            config["temp_directory"] = str(
                Path(tempfile.gettempdir()) / f"profitlens-spill-{os.getpid()}"
            )
        try:
            self.con = duckdb.connect(self.path, config=config)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None
        self._lock = threading.Lock()
        self._staged_at: dict[str, float] = {}  # token -> time.monotonic() of staging
        self._ensure_meta()

    # -- plumbing --

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def cursor(self):
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _ensure_meta(self) -> None:
        with self.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS dataset (version VARCHAR, loaded_at TIMESTAMP, "
                "source VARCHAR, files VARCHAR, rows VARCHAR, columns VARCHAR, warnings VARCHAR)"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS column_mappings (table_name VARCHAR, "
                "layout VARCHAR, mapping VARCHAR, saved_at TIMESTAMP, "
                "PRIMARY KEY (table_name, layout))"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS recipes (layout VARCHAR PRIMARY KEY, "
                "recipe VARCHAR, saved_at TIMESTAMP)"
            )
            # Saved pricing scenarios belong to the user, not the dataset: loads keep them.
            cur.execute(
                "CREATE TABLE IF NOT EXISTS scenarios (name VARCHAR PRIMARY KEY, "
                "definition VARCHAR, saved_at TIMESTAMP)"
            )
            # The file is ours alone (DuckDB locks it), so staged tables left by a process
            # that died mid-load belong to nobody.
            self._drop_stages(cur)

    def query_df(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    # -- dataset --

    def has_dataset(self) -> bool:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM dataset").fetchall()[0][0] > 0

    @property
    def version(self) -> str | None:
        with self.cursor() as cur:
            rows = cur.execute("SELECT version FROM dataset").fetchall()
        return rows[0][0] if rows else None

    def info(self) -> DatasetInfo | None:
        with self.cursor() as cur:
            return self._info(cur)

    @staticmethod
    def _info(cur) -> DatasetInfo | None:
        rows = cur.execute(
            "SELECT version, loaded_at, source, files, rows, columns, warnings FROM dataset"
        ).fetchall()
        if not rows:
            return None
        span = cur.execute(read_sql("dataset_span")).fetchall()[0]
        version, loaded_at, source, files, counts, columns, warnings = rows[0]
        return DatasetInfo(
            version=version,
            loaded_at=loaded_at,
            source=source,
            files=json.loads(files),
            rows=json.loads(counts),
            columns=json.loads(columns),
            warnings=tuple(json.loads(warnings)),
            first_date=span[0],
            last_date=span[1],
        )

    def ensure_dataset(self, progress: Progress | None = None) -> DatasetInfo:
        """The active dataset; on first use, the embedded sample is loaded."""
        info = self.info()
        if info is None:
            self.load_sample(progress=progress)
            info = self.info()
        return info

    def load_folder(self, folder: str | Path, progress: Progress | None = None) -> LoadResult:
        """Validate and load every contract table found in ``folder`` (atomically)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise DatasetError([Problem(str(folder), "is not a folder")])
        files, problems = table_files(folder, TABLE_ORDER)
        if problems:
            raise DatasetError([Problem(folder.name, p.split(": ", 1)[1]) for p in problems])
        return self.load_files(files, source=str(folder.resolve()), progress=progress)

    def load_files(
        self,
        files: dict[str, Path],
        *,
        mappings: dict[str, dict[str, str]] | None = None,
        display_names: dict[str, str] | None = None,
        source: str = "upload",
        progress: Progress | None = None,
        options: LoadOptions | None = None,
    ) -> LoadResult:
        """Validate ``files`` (table -> path) and replace the dataset in one transaction.

        Raises :class:`DatasetError` listing every problem; the previous dataset is then
        untouched.
        """
        pending = self.stage_files(
            files, mappings=mappings, display_names=display_names, source=source,
            progress=progress, options=options,
        )
        return self.commit(pending, progress=progress)

    def load_recipe(self, recipe: Recipe, progress: Progress | None = None) -> LoadResult:
        """Validate and load the files a recipe names, as it says (atomically)."""
        return self.load_files(
            recipe.files(), mappings=recipe.mappings(), options=recipe.options(),
            source=f"Recipe: {recipe.name}", progress=progress,
        )

    def stage_files(
        self,
        files: dict[str, Path],
        *,
        mappings: dict[str, dict[str, str]] | None = None,
        display_names: dict[str, str] | None = None,
        source: str = "upload",
        progress: Progress | None = None,
        sample_rows: int = 0,
        options: LoadOptions | None = None,
    ) -> PendingLoad:
        """Validate and stage a dataset without touching the live one.

        The staged tables sit in the database under a private prefix until
        :meth:`commit` swaps them in or :meth:`discard` drops them. ``sample_rows``
        parsed rows of each table come back for a preview.
        """
        progress = progress or (lambda fraction, text: None)
        token = uuid.uuid4().hex[:12]
        with self._lock, self.cursor() as cur, tempfile.TemporaryDirectory(
            prefix="profitlens-"
        ) as workdir:
            self._drop_abandoned(cur)
            self._staged_at[token] = time.monotonic()
            importer = Importer(cur, Path(workdir), f"{STAGE_PREFIX}{token}_", progress)
            try:
                staged = importer.stage(files, mappings, display_names, options=options)
            except DatasetError:
                raise
            except Exception:
                importer.drop()
                raise
            samples = {
                table: cur.execute(
                    f"SELECT * FROM {quote_ident(s.name)} LIMIT {int(sample_rows)}"
                ).df()
                for table, s in staged.tables.items()
            } if sample_rows else {}
        names = display_names or {}
        shown = {t: names.get(t, Path(p).name) for t, p in files.items()}
        for table, s in staged.tables.items():  # tables a load derived, not read
            shown.setdefault(table, f"from {s.source.display}" if s.source.kind != "recipe"
                             else f"from {s.source.display} (drivers)")
        return PendingLoad(
            token=token,
            source=source,
            files=shown,
            stages={t: s.name for t, s in staged.tables.items()},
            xlsx=tuple(t for t, s in staged.tables.items() if s.source.kind == "xlsx"),
            rows={t: s.rows for t, s in staged.tables.items()},
            columns={t: list(s.present) for t, s in staged.tables.items()},
            warnings=tuple(staged.warnings),
            samples=samples,
        )

    def commit(self, pending: PendingLoad, progress: Progress | None = None) -> LoadResult:
        """Swap a staged dataset in, replacing every table in one transaction."""
        progress = progress or (lambda fraction, text: None)
        progress(0.9, "Saving the dataset")
        version = uuid.uuid4().hex
        meta = [
            version,
            dt.datetime.now().replace(microsecond=0),
            pending.source,
            json.dumps(pending.files),
            json.dumps({t: pending.rows.get(t, 0) for t in TABLE_ORDER}),
            json.dumps(pending.columns),
            json.dumps(list(pending.warnings)),
        ]
        with self._lock, self.cursor() as cur:
            existing = {
                row[0] for row in cur.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
                ).fetchall()
            }
            missing = [name for name in pending.stages.values() if name not in existing]
            if missing:
                raise DatasetError([Problem(
                    "upload", "this validation has expired (another load ran meanwhile): "
                    "validate the files again",
                )])
            try:
                cur.execute("BEGIN TRANSACTION")
                _swap_in(cur, TABLE_ORDER, pending.stages, pending.xlsx)
                cur.execute("DELETE FROM dataset")
                cur.execute("INSERT INTO dataset VALUES (?, ?, ?, ?, ?, ?, ?)", meta)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                self._drop_stages(cur, pending.token)
                raise
            # Other previews were validated against data that is now gone.
            self._drop_stages(cur)
        progress(1.0, "Loaded")
        return LoadResult(version, dict(pending.rows), pending.warnings)

    def discard(self, pending: PendingLoad) -> None:
        """Drop a staged dataset that will not be loaded."""
        with self._lock, self.cursor() as cur:
            self._drop_stages(cur, pending.token)

    def load_sample(
        self, customers: int = 2000, seed: int = 7, progress: Progress | None = None
    ) -> LoadResult:
        """Generate the embedded sample dataset and load it."""
        from data.sample import write_sample

        folder = Path(tempfile.mkdtemp(prefix="profitlens-sample-"))
        try:
            if progress:
                progress(0.05, "Generating the sample dataset")
            write_sample(folder, customers=customers, seed=seed)
            files, _ = table_files(folder, TABLE_ORDER)
            return self.load_files(files, source=SAMPLE_LABEL, progress=progress)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _drop_abandoned(self, cur, max_age_s: float = PREVIEW_LIFETIME_S) -> None:
        """Drop previews nobody committed or discarded within ``max_age_s``."""
        now = time.monotonic()
        for token, staged_at in list(self._staged_at.items()):
            if now - staged_at > max_age_s:
                self._drop_stages(cur, token)
                del self._staged_at[token]

    @staticmethod
    def _drop_stages(cur, token: str = "") -> None:
        """Drop staged tables (one load's, or all): they are never live data."""
        prefix = f"{STAGE_PREFIX}{token}"
        for (name,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND "
            "starts_with(table_name, ?)", [prefix]
        ).fetchall():
            cur.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")

    def customer_count(self) -> int:
        """Customers with invoice lines or activity: the number every page analyses,
        whether or not the dataset has customer master data."""
        with self.cursor() as cur:
            return cur.execute(
                "SELECT count(*) FROM (SELECT customer_id FROM transactions UNION "
                "SELECT customer_id FROM activities)"
            ).fetchall()[0][0]

    # -- rate card --

    def replace_rate_card(self, rates: pd.DataFrame, resources: pd.DataFrame) -> str:
        """Validate an edited rate card and save it; return the new dataset version.

        Problems name the edited table's row (first row = 1). Every activity in the
        live activities table must keep a rate.
        """
        rate_columns = ["activity", "cost_per_unit", "resource", "unit_time"]
        with tempfile.TemporaryDirectory(prefix="profitlens-rates-") as folder:
            files = {}
            for table, frame, columns in (
                ("rates", rates, rate_columns),
                ("resources", resources, ["resource", "cost", "capacity"]),
            ):
                if frame is None or frame.dropna(how="all").empty:
                    continue
                path = Path(folder) / f"{table}.csv"
                frame.reindex(columns=columns).dropna(how="all").to_csv(path, index=False)
                files[table] = path
            names = {"rates": "Rates", "resources": "Resources"}
            with self._lock, self.cursor() as cur:
                token = uuid.uuid4().hex[:12]
                importer = Importer(cur, Path(folder), f"{STAGE_PREFIX}{token}_")
                try:
                    staged = importer.stage(files, None, names, require_transactions=False)
                except DatasetError as exc:
                    raise DatasetError([_as_row(p) for p in exc.problems]) from None
                problems = self._rates_cover_activities(cur, staged.tables.get("rates"))
                if problems:
                    importer.drop()
                    raise DatasetError(problems)
                version = uuid.uuid4().hex
                try:
                    cur.execute("BEGIN TRANSACTION")
                    _swap_in(cur, ("rates", "resources"),
                             {t: s.name for t, s in staged.tables.items()})
                    info = cur.execute("SELECT rows, columns FROM dataset").fetchall()
                    counts, columns = (json.loads(v) for v in info[0])
                    for table in ("rates", "resources"):
                        counts[table] = staged.tables[table].rows if table in staged.tables else 0
                        columns[table] = (
                            list(staged.tables[table].present) if table in staged.tables else []
                        )
                    cur.execute(
                        "UPDATE dataset SET version = ?, rows = ?, columns = ?",
                        [version, json.dumps(counts), json.dumps(columns)],
                    )
                    cur.execute("COMMIT")
                except Exception:
                    cur.execute("ROLLBACK")
                    importer.drop()
                    raise
        return version

    @staticmethod
    def _rates_cover_activities(cur, staged) -> list[Problem]:
        rate_table = quote_ident(staged.name) if staged else None
        where = f"activity NOT IN (SELECT activity FROM {rate_table})" if rate_table else "true"
        rows = cur.execute(
            f"SELECT activity, count(*) FROM activities WHERE {where} GROUP BY activity "
            "ORDER BY activity"
        ).fetchall()
        return [
            Problem("Rates", f'activity "{activity}" is used in the activity data '
                    f"({count:,} rows) and needs a rate")
            for activity, count in rows
        ]

    # -- column mappings remembered per file layout --

    @staticmethod
    def layout_key(headers: list[str]) -> str:
        """A file layout's identity: its normalised headers, in order."""
        from data.contract import normalise_header

        return "|".join(normalise_header(h) for h in headers)

    def remembered_mapping(self, table: str, headers: list[str]) -> dict[str, str] | None:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT mapping FROM column_mappings WHERE table_name = ? AND layout = ?",
                [table, self.layout_key(headers)],
            ).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def remember_mapping(self, table: str, headers: list[str], mapping: dict[str, str]) -> None:
        with self._lock, self.cursor() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, ?)",
                [table, self.layout_key(headers), json.dumps(mapping),
                 dt.datetime.now().replace(microsecond=0)],
            )

    # -- recipes remembered per transactions file layout --

    def remember_recipe(self, headers: list[str], recipe_toml: str) -> None:
        """Keep the recipe a transactions file of this layout was loaded with."""
        with self._lock, self.cursor() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO recipes VALUES (?, ?, ?)",
                [self.layout_key(headers), recipe_toml, dt.datetime.now().replace(microsecond=0)],
            )

    def remembered_recipe(self, headers: list[str]) -> tuple[str, dt.datetime] | None:
        """(recipe TOML, when it was saved) for a transactions file of this layout."""
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT recipe, saved_at FROM recipes WHERE layout = ?",
                [self.layout_key(headers)],
            ).fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    # -- reading --

    def table(self, table: str) -> pd.DataFrame:
        """A whole contract table (for the small ones: rates, resources, customers)."""
        if table not in TABLES:
            raise KeyError(table)
        return self.query_df(f"SELECT * FROM {quote_ident(table)}")

    def rate_card(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        with self.cursor() as cur:
            return self._rate_card(cur)

    @staticmethod
    def _rate_card(cur) -> tuple[pd.DataFrame, pd.DataFrame]:
        rates = cur.execute(
            "SELECT activity, cost_per_unit, resource, unit_time FROM rates ORDER BY rowid"
        ).df()
        resources = cur.execute(
            "SELECT resource, cost, capacity FROM resources ORDER BY rowid"
        ).df()
        return rates, resources

    def dimensions(self) -> tuple[list[str], list[str]]:
        """The segments and regions present in the customer master data."""
        with self.cursor() as cur:
            segments = cur.execute(
                "SELECT DISTINCT segment FROM customers WHERE segment IS NOT NULL ORDER BY 1"
            ).fetchall()
            regions = cur.execute(
                "SELECT DISTINCT region FROM customers WHERE region IS NOT NULL ORDER BY 1"
            ).fetchall()
        return [r[0] for r in segments], [r[0] for r in regions]

    def customer_history(
        self, customer_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> CustomerHistory:
        """A customer's revenue and activity by month (undated activity is left out)."""
        params = {"customer_id": customer_id, "start": start, "end": end}
        revenue = self.query_df(read_sql("customer_history_revenue"), params)
        activity = self.query_df(read_sql("customer_history_activity"), params)
        months = pd.Index(
            sorted(set(revenue["month"]).union(activity["month"])), name="month"
        )
        revenue = revenue.set_index("month").reindex(months).fillna(0.0)
        volumes = (
            activity.pivot_table(index="month", columns="activity", values="quantity",
                                 aggfunc="sum", fill_value=0.0)
            .reindex(months, fill_value=0.0)
        )
        volumes.columns.name = None
        return CustomerHistory(revenue, volumes)

    def order_sizes(
        self,
        minimum_order_value: float,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> pd.DataFrame:
        """Per customer: orders, and the number and value of orders below a minimum value.

        Same period, segment and region filter as :meth:`customer_base`. An order is an
        ``order_id``'s invoice lines in the period, valued at the net revenue of its
        invoiced (positive) lines. Returns a DataFrame indexed by customer_id with
        ``orders``, ``small_orders`` and ``small_order_value`` (customers with invoice
        lines but no order_id are absent). Raises :class:`OrderIdsMissing` when the
        transactions carry no ``order_id``.
        """
        with self.cursor() as cur:
            has_orders = cur.execute(
                "SELECT count(order_id) > 0 FROM transactions"
            ).fetchall()[0][0]
        if not has_orders:
            raise OrderIdsMissing(
                "Transactions have no order_id, so small orders cannot be counted: add an "
                "order_id column to transactions to set a minimum order value."
            )
        params = {
            "start": start,
            "end": end,
            "segments": list(segments) if segments else None,
            "regions": list(regions) if regions else None,
            "minimum_order_value": float(minimum_order_value),
        }
        frame = self.query_df(read_sql("order_sizes"), params)
        frame = frame.astype({"orders": "int64", "small_orders": "int64",
                              "small_order_value": "float64"})
        return frame.set_index("customer_id")

    def customer_base(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> CustomerBase:
        """Aggregate the dataset to one row per customer for a period and filter.

        The joins and sums run in DuckDB; Python only scatters the (row, column,
        quantity) triples into the activity matrix.
        """
        period = {"start": start, "end": end}
        chosen = {
            **period,
            "segments": list(segments) if segments else None,
            "regions": list(regions) if regions else None,
        }
        with self.cursor() as cur:
            # One transaction: a load or a rate card saved meanwhile by another session
            # must not mix two versions (volumes are matched to rates by position).
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(read_sql("period_activity"), period)
                cur.execute(read_sql("selected_customers"), chosen)
                table = cur.execute(
                    "SELECT * EXCLUDE (row_index) FROM selected_customers ORDER BY row_index"
                ).df()
                triples = cur.execute(read_sql("customer_volumes")).fetchnumpy()
                totals = cur.execute(read_sql("activity_totals")).df()
                rates, resources = self._rate_card(cur)
                info = self._info(cur)
            finally:
                cur.execute("ROLLBACK")  # read only; the temp tables go with it
        table = table.set_index("customer_id")
        activities = rates["activity"].tolist()
        matrix = np.zeros((len(table), len(activities)))
        np.add.at(matrix, (triples["row_index"].astype(np.int64),
                           triples["column_index"].astype(np.int64)), triples["quantity"])
        volumes = pd.DataFrame(matrix, index=table.index, columns=activities)
        period_volume = (
            totals.set_index("activity")["quantity"].reindex(activities).fillna(0.0)
        )
        warnings = []
        has_dates = info is not None and info.has_column("activities", "date")
        if (start or end) and info is not None and info.rows.get("activities") and not has_dates:
            warnings.append(
                "Activities have no dates: all of their volume counts in the chosen period."
            )
        if info is not None and info.rows.get("customers"):
            unknown = int((~table["in_master"]).sum())
            if unknown and not (segments or regions):
                warnings.append(
                    f"{unknown:,} customer(s) with invoice lines or activity have no row in the "
                    "customer master data: they are analysed without name, segment or region."
                )
        fraction = _period_fraction(info, start, end)
        if fraction == 0.0 and (start or end):
            warnings.append("The chosen period lies outside the data's dates.")
        return CustomerBase(
            table, volumes, rates, resources, fraction, start, end, tuple(warnings),
            period_volume,
        )

    # -- saved pricing scenarios --

    def save_scenario(self, name: str, definition: dict) -> None:
        """Save (or replace) the scenario ``name``; ``definition`` is JSON-ready."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a saved scenario needs a name")
        text = json.dumps(definition)
        now = dt.datetime.now().replace(microsecond=0)
        with self._lock, self.cursor() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO scenarios (name, definition, saved_at) VALUES (?, ?, ?)",
                [name, text, now],
            )

    def scenarios(self) -> list[tuple[str, dt.datetime]]:
        """The saved scenarios' names and save times, newest first."""
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT name, saved_at FROM scenarios ORDER BY saved_at DESC, name"
            ).fetchall()
        return [(str(name), saved_at) for name, saved_at in rows]

    def load_scenario(self, name: str) -> dict | None:
        """The definition saved as ``name`` (None when there is none)."""
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT definition FROM scenarios WHERE name = ?", [name]
            ).fetchall()
        return json.loads(rows[0][0]) if rows else None

    def delete_scenario(self, name: str) -> None:
        """Forget the scenario ``name`` (nothing happens when there is none)."""
        with self._lock, self.cursor() as cur:
            cur.execute("DELETE FROM scenarios WHERE name = ?", [name])


def _swap_in(cur, tables, stages: dict[str, str], xlsx: tuple[str, ...] = ()) -> None:
    """Inside the caller's transaction, replace each live table by its staged table
    (``stages``: table -> staged name), or by an empty one when nothing was staged."""
    for table in tables:
        cur.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
        if table in stages:
            stage = quote_ident(stages[table])
            if table in xlsx:
                cur.execute(f'ALTER TABLE {stage} DROP COLUMN "_line"')
            cur.execute(f"ALTER TABLE {stage} RENAME TO {quote_ident(table)}")
        else:
            cur.execute(_empty_table_sql(table, table))


def _as_row(problem: Problem) -> Problem:
    """A problem in an edited table: its row (first data row = 1), not a CSV line."""
    if problem.line is None:
        return problem
    return replace(problem, line=problem.line - 1, line_word="row")


@dataclass(frozen=True)
class CustomerHistory:
    """One customer's months: revenue measures, and driver volumes (months x activities)."""

    revenue: pd.DataFrame
    volumes: pd.DataFrame


class StoreError(Exception):
    """The database itself cannot be used (locked by another process, unreadable)."""


class OrderIdsMissing(Exception):
    """Transactions carry no order_id: orders and their sizes are unknown."""


def _period_fraction(info: DatasetInfo | None, start, end) -> float:
    """Share of the dataset's date span that [start, end] covers (1 without a filter)."""
    if info is None or info.first_date is None or (start is None and end is None):
        return 1.0
    first, last = info.first_date, info.last_date
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    span = (last - first).days + 1
    return max(0.0, ((hi - lo).days + 1) / span) if span > 0 else 1.0
