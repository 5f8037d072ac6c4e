"""The store's connection and metadata: one DuckDB file, its meta tables, the dataset's
description (``DatasetInfo``). The other parts of the store (``data.loader``,
``data.queries``, ``data.rate_card``, ``data.layouts``, ``data.scenario_store``) build on
:class:`StoreBase`; ``data.store.Store`` puts them together.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from data import versions
from data.contract import SQL_TYPES, TABLES
from data.kept import Kept
from data.problems import quote_ident

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "profitlens.duckdb"
SQL_DIR = DATA_DIR / "sql"
STAGE_PREFIX = "_stage_"
log = logging.getLogger(__name__)
RETIRE_AFTER_S = 30.0  # an old version's connection is closed this long after a switch


def db_path() -> str:
    """Where the store lives: ``PROFITLENS_DB`` or ``data/profitlens.duckdb``."""
    return os.environ.get("PROFITLENS_DB") or str(DEFAULT_DB)


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


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
    # Whether the store keeps the invoice lines besides the customer-month cube (a
    # partial month of a period is then read exactly from them, else prorated).
    lines_kept: bool = True

    def has_column(self, table: str, column: str) -> bool:
        return column in self.columns.get(table, [])



def _process_alive(name: str) -> bool:
    """Whether the process a work folder entry is named after (``load-<pid>-…``) runs."""
    parts = name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


class StoreError(Exception):
    """The database itself cannot be used (locked by another process, unreadable)."""


class StoreBase:
    """A DuckDB connection with the store's meta tables. ``StoreBase(":memory:")`` for
    tests and one-off reports.

    Methods are safe to call from several threads: each opens its own cursor, and writes
    are serialised by a lock.
    """

    def __init__(self, path: str | Path | None = None, *, memory_limit: str | None = None,
                 version_file: str | None = None):
        # ``path`` is the store as configured; ``file`` holds its current version (the
        # same file unless a command-line load built a newer one: data.versions).
        # ``version_file``: open that version (a load building it), not the current one.
        self.path = str(path) if path is not None else db_path()
        self.building = version_file is not None
        self.memory_limit = memory_limit or os.environ.get("PROFITLENS_MEMORY_LIMIT", "2GB")
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._stamp = versions.pointer_stamp(self.path)
            if version_file is not None:
                self.file = version_file
                self.con = self._connect(self.file)
            else:
                self.con, self.file = self._open_current()
        else:
            self._stamp = None
            self.file = self.path
            self.con = self._connect(self.file)
        self._retired: list[tuple[float, duckdb.DuckDBPyConnection, str]] = []
        self._lock = threading.Lock()
        self._staged_at: dict[str, float] = {}  # token -> time.monotonic() of staging
        self._staging: set[str] = set()  # tokens being staged right now
        self._ensure_meta()
        self.kept = Kept(self.path)
        if self.path != ":memory:" and not self.building:
            # What the user kept, from the store's original file (version 0) only.
            if self.file == self.path:
                with self.cursor() as cur:
                    self.kept.migrate(self.path, cur)
            else:
                self.kept.migrate(self.path)
            versions.tidy(self.path)
        self.work_dir = self._clean_work_dir()

    def _connect(self, file: str) -> duckdb.DuckDBPyConnection:
        config = {"memory_limit": self.memory_limit}
        if file == ":memory:":
            # Spill files go to the system's temporary folder, not the working directory
            # (a file database spills beside itself). Set once: DuckDB refuses to move it
            # after first use.
            config["temp_directory"] = str(
                Path(tempfile.gettempdir()) / f"profitlens-spill-{os.getpid()}"
            )
        try:
            con = duckdb.connect(file, config=config)
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the store {Path(self.path).name} is in use by another program (a "
                    "running dashboard, or another load): DuckDB lets one program write to "
                    "it at a time"
                ) from None
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(f"cannot open the store {Path(self.path).name}: {first}") from None
        if file != ":memory:":
            versions.opened(file)
        return con

    def _open_version(self, file: str) -> duckdb.DuckDBPyConnection | None:
        """A connection to the existing version file ``file``, or None when it is gone
        (a load removed it after the pointer was read): ``duckdb.connect`` would create an
        empty database there, so one it created is closed and removed (unless the
        pointer names it). Raises :class:`StoreError` when it cannot be opened."""
        try:
            before = os.stat(file)
        except FileNotFoundError:
            return None
        con = self._connect(file)
        try:
            after = os.stat(file)
        except FileNotFoundError:
            after = None
        if after is not None and (after.st_ino, after.st_ctime_ns) == (
                before.st_ino, before.st_ctime_ns):
            return con
        # Removed (and perhaps created again by the connect) meanwhile, or changed while
        # opening: let go and read the pointer again.
        con.close()
        versions.closed(file)
        if after is not None and versions.current_file(self.path) != file:
            versions.remove_file(file)
        return None

    def _open_current(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        """The connection to the store's current version and its file. Version 0 (no
        pointer) is created when missing (a fresh store's first start); a version file
        is opened only if it exists, re-reading the pointer when a load replaced it
        meanwhile."""
        for _ in range(20):
            file = versions.current_file(self.path)
            if file == self.path:
                return self._connect(file), file
            con = self._open_version(file)
            if con is not None:
                return con, file
            time.sleep(0.05)
        raise StoreError(
            f"cannot open the store {Path(self.path).name}: its current version "
            f"{Path(file).name} is missing from {Path(file).parent.name}: load the data "
            "again (python -m analytics load … --db)"
        )

    def refresh(self) -> bool:
        """Move to the store's current version when a load beside this program switched
        it (a stat of the pointer, ~2 µs, when nothing changed). True when it moved: every
        result of the old version is stale. The old connection is closed a while later
        (:data:`RETIRE_AFTER_S`: a query running on it finishes), then its file removed
        when nothing holds it."""
        if self.path == ":memory:" or self.building:
            return False
        self._close_retired()
        stamp = versions.pointer_stamp(self.path)
        if stamp == self._stamp:
            return False
        with self._lock:
            if stamp == self._stamp:
                return False
            current = versions.current_file(self.path)
            if current == self.file:
                self._stamp = stamp
                return False
            try:
                con = self._open_version(current)
            except StoreError:  # a cleanup's probe of it, for a moment: next time
                return False
            if con is None:  # switched again meanwhile: next time
                return False
            self._retired.append((time.monotonic(), self.con, self.file))
            self.con, self.file, self._stamp = con, current, stamp
            # Previews validated against the old version cannot be committed here.
            self._staged_at.clear()
            self._ensure_meta()
        return True

    def _close_retired(self, force: bool = False) -> None:
        """Close the old versions' connections retired long enough ago (all with
        ``force``). One still busy with a query (DuckDB refuses to close it) stays
        retired and is tried again on a later call; nothing here raises."""
        if not self._retired:
            return
        now = time.monotonic()
        with self._lock:
            due = [r for r in self._retired if force or now - r[0] > RETIRE_AFTER_S]
            self._retired = [r for r in self._retired if r not in due]
        closed, busy = [], []
        for entry in due:
            _, con, file = entry
            try:
                con.close()
            except Exception:  # busy (duckdb.ResourceInUseException): next time
                busy.append(entry)
                continue
            versions.closed(file)
            closed.append(file)
        if busy and not force:
            with self._lock:
                self._retired.extend(busy)
        if closed and not force:
            try:
                versions.tidy(self.path)
            except Exception:  # pragma: no cover - a cleanup never reaches the page
                log.warning("cleanup of %s failed", Path(self.path).name, exc_info=True)

    def _clean_work_dir(self) -> Path:
        """The store's folder for a load's temporary files (``<store>.work``), without what
        a killed load left: each folder in it is named after its process, and one whose
        process is gone belongs to nobody (another store object of this process may be
        loading, so its folders stay). An in-memory store uses a folder of its own."""
        if self.path == ":memory:":
            folder = Path(tempfile.gettempdir()) / f"profitlens-work-{os.getpid()}-{id(self)}"
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder = Path(self.path + ".work")
        folder.mkdir(parents=True, exist_ok=True)
        for entry in folder.iterdir():
            if not _process_alive(entry.name):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        return folder

    def temp_dir(self, prefix: str):
        """A temporary folder inside the store's work folder, removed when left."""
        return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-", dir=self.work_dir)

    def close(self) -> None:
        self._close_retired(force=True)
        self.con.close()
        if self.file != ":memory:":
            versions.closed(self.file)
        if self.path == ":memory:":
            shutil.rmtree(self.work_dir, ignore_errors=True)

    @contextmanager
    def cursor(self):
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _ensure_meta(self) -> None:
        with self.cursor() as cur:
            cur.execute(read_sql("schema"))
            self._add_new_columns(cur)
            # A store loaded before the customer-month cube gets it, once (the file is
            # this program's to write: DuckDB locks it).
            from data import cube
            cube.ensure(cur)
            # The file is ours alone (DuckDB locks it), so staged tables left by a process
            # that died mid-load belong to nobody.
            self._drop_stages(cur)

    @staticmethod
    def _add_new_columns(cur) -> None:
        """A store loaded before a contract column existed gets it, empty (NULL): every
        query can then name every stored column of the contract."""
        live = {row[0] for row in cur.execute(read_sql("live_tables")).fetchall()}
        for table in TABLES.values():
            if table.name not in live:
                continue
            have = {row[0] for row in cur.execute(
                read_sql("table_columns"), [table.name]).fetchall()}
            for column in table.stored:
                if column.name not in have:
                    cur.execute(f"ALTER TABLE {quote_ident(table.name)} ADD COLUMN "
                                f"{quote_ident(column.name)} {SQL_TYPES[column.kind]}")

    def query_df(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    def has_dataset(self) -> bool:
        with self.cursor() as cur:
            return bool(cur.execute(read_sql("dataset_version")).fetchall())

    @property
    def version(self) -> str | None:
        with self.cursor() as cur:
            rows = cur.execute(read_sql("dataset_version")).fetchall()
        return rows[0][0] if rows else None

    def info(self) -> DatasetInfo | None:
        with self.cursor() as cur:
            return self._info(cur)

    @staticmethod
    def _info(cur) -> DatasetInfo | None:
        rows = cur.execute(read_sql("dataset_info")).fetchall()
        if not rows:
            return None
        span = cur.execute(read_sql("dataset_span")).fetchall()[0]
        version, loaded_at, source, files, counts, columns, warnings, lines_kept = rows[0]
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
            lines_kept=lines_kept is not False,
        )

    @staticmethod
    def _drop_stages(cur, token: str = "", keep: set[str] | frozenset = frozenset()) -> None:
        """Drop staged tables (one load's, or all but the loads in ``keep``): they are
        never live data."""
        prefix = f"{STAGE_PREFIX}{token}"
        kept = tuple(f"{STAGE_PREFIX}{t}_" for t in keep)
        for (name,) in cur.execute(read_sql("staged_tables"), [prefix]).fetchall():
            if kept and name.startswith(kept):
                continue
            cur.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
