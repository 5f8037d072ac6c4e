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
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data.contract import SQL_TYPES, TABLE_ORDER, TABLES
from data.importer import DatasetError, Importer, Problem, Progress, quote_ident
from data.sources import table_files

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "profitlens.duckdb"
SQL_DIR = DATA_DIR / "sql"
SAMPLE_LABEL = "Embedded sample dataset"
STAGE_PREFIX = "_stage_"


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


def _empty_table_sql(table: str, name: str) -> str:
    columns = ", ".join(
        f"{quote_ident(c.name)} {SQL_TYPES[c.kind]}" for c in TABLES[table].columns
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
        try:
            self.con = duckdb.connect(self.path, config=config)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None
        self._lock = threading.Lock()
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
    ) -> LoadResult:
        """Validate ``files`` (table -> path) and replace the dataset in one transaction.

        Raises :class:`DatasetError` listing every problem; the previous dataset is then
        untouched.
        """
        progress = progress or (lambda fraction, text: None)
        with self._lock, self.cursor() as cur, tempfile.TemporaryDirectory(
            prefix="profitlens-"
        ) as workdir:
            cur.execute(f"SET temp_directory = '{workdir}'")
            self._drop_stale_stages(cur)
            importer = Importer(cur, Path(workdir), STAGE_PREFIX, progress)
            try:
                staged = importer.stage(files, mappings, display_names)
            except DatasetError:
                raise
            except Exception:
                importer.drop()
                raise
            progress(0.9, "Saving the dataset")
            version = uuid.uuid4().hex
            rows = {t: s.rows for t, s in staged.tables.items()}
            columns = {t: list(s.present) for t, s in staged.tables.items()}
            names = display_names or {}
            meta = [
                version,
                dt.datetime.now().replace(microsecond=0),
                source,
                json.dumps({t: names.get(t, Path(p).name) for t, p in files.items()}),
                json.dumps({t: rows.get(t, 0) for t in TABLE_ORDER}),
                json.dumps(columns),
                json.dumps(staged.warnings),
            ]
            try:
                cur.execute("BEGIN TRANSACTION")
                for table in TABLE_ORDER:
                    cur.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")
                    if table in staged.tables:
                        stage = quote_ident(staged.tables[table].name)
                        if staged.tables[table].source.kind == "xlsx":
                            cur.execute(f'ALTER TABLE {stage} DROP COLUMN "_line"')
                        cur.execute(f"ALTER TABLE {stage} RENAME TO {quote_ident(table)}")
                    else:
                        cur.execute(_empty_table_sql(table, table))
                cur.execute("DELETE FROM dataset")
                cur.execute("INSERT INTO dataset VALUES (?, ?, ?, ?, ?, ?, ?)", meta)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                importer.drop()
                raise
            progress(1.0, "Loaded")
            return LoadResult(version, rows, tuple(staged.warnings))

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

    @staticmethod
    def _drop_stale_stages(cur) -> None:
        # A process killed mid-load leaves staged tables behind; they are never live data.
        for (name,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND "
            f"starts_with(table_name, '{STAGE_PREFIX}')"
        ).fetchall():
            cur.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")

    # -- reading --

    def table(self, table: str) -> pd.DataFrame:
        """A whole contract table (for the small ones: rates, resources, customers)."""
        if table not in TABLES:
            raise KeyError(table)
        return self.query_df(f"SELECT * FROM {quote_ident(table)}")

    def rate_card(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rates = self.query_df(
            "SELECT activity, cost_per_unit, resource, unit_time FROM rates ORDER BY rowid"
        )
        resources = self.query_df("SELECT resource, cost, capacity FROM resources ORDER BY rowid")
        return rates, resources

    def customer_base(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        segments: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> CustomerBase:
        """Aggregate the dataset to one row per customer for a period and filter."""
        params = {"start": start, "end": end}
        revenue = self.query_df(read_sql("customer_revenue"), params)
        activity = self.query_df(read_sql("customer_activity"), params)
        attributes = self.query_df(read_sql("customer_attributes"))
        rates, resources = self.rate_card()
        info = self.info()
        ids = pd.Index(
            np.union1d(revenue["customer_id"].to_numpy(str), activity["customer_id"].to_numpy(str)),
            name="customer_id",
        )
        table = revenue.set_index("customer_id").reindex(ids)
        for column in ("list_revenue", "net_revenue", "cogs", "invoice_lines", "orders", "units"):
            table[column] = table[column].fillna(0)
        attrs = attributes.set_index("customer_id").rename(columns={"wallet_amount": "wallet"})
        table = attrs.reindex(ids).join(table)
        mask = np.ones(len(table), dtype=bool)
        if segments:
            mask &= table["segment"].isin(segments).to_numpy()
        if regions:
            mask &= table["region"].isin(regions).to_numpy()
        table = table[mask]
        volumes = _pivot(activity, table.index, rates["activity"].tolist())
        warnings = []
        has_dates = info is not None and info.has_column("activities", "date")
        if (start or end) and info is not None and info.rows.get("activities") and not has_dates:
            warnings.append(
                "Activities have no dates: all of their volume counts in the chosen period."
            )
        fraction = _period_fraction(info, start, end)
        return CustomerBase(table, volumes, rates, resources, fraction, start, end, tuple(warnings))


class StoreError(Exception):
    """The database itself cannot be used (locked by another process, unreadable)."""


def _pivot(long: pd.DataFrame, index: pd.Index, activities: list[str]) -> pd.DataFrame:
    """Long (customer_id, activity, quantity) rows to a customers x activities matrix."""
    matrix = np.zeros((len(index), len(activities)))
    if len(long) and len(index):
        rows = index.get_indexer(long["customer_id"].astype(str))
        cols = pd.Index(activities).get_indexer(long["activity"])
        keep = (rows >= 0) & (cols >= 0)
        np.add.at(matrix, (rows[keep], cols[keep]), long["quantity"].to_numpy(float)[keep])
    return pd.DataFrame(matrix, index=index, columns=activities)


def _period_fraction(info: DatasetInfo | None, start, end) -> float:
    """Share of the dataset's date span that [start, end] covers (1 without a filter)."""
    if info is None or info.first_date is None or (start is None and end is None):
        return 1.0
    first, last = info.first_date, info.last_date
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    span = (last - first).days + 1
    return max(0.0, ((hi - lo).days + 1) / span) if span > 0 else 1.0
