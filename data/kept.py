"""What the user keeps across loads (remembered column mappings and recipes, saved
pricing scenarios), in a small SQLite file beside the store: ``STORE.kept``.

Why not in the DuckDB file: a load beside a running dashboard builds a new version of
the dataset (:mod:`data.versions`) and cannot read the version the dashboard holds
(DuckDB refuses even a read-only open of it), so what is kept lives where both programs
can write it at once. SQLite locks per transaction and waits for the other writer
(``timeout``); an open, a statement and a close take ~0.07 ms (a DuckDB file takes ~90
ms to open and close), so each call opens it briefly. The same SQL files serve
(``insert or replace`` is SQLite and DuckDB alike); times are stored as ISO text.

A store saved before this file existed has these tables in its DuckDB file: they are
copied here once (:meth:`Kept.migrate`), when the store is first opened.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"



def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


TABLES = ("column_mappings", "recipes", "scenarios")
BUSY_TIMEOUT_S = 10.0


def _param(value):
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def as_time(value) -> dt.datetime | None:
    """A stored time (ISO text) as a datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


class Kept:
    """The kept-state file of the store at ``path`` (``":memory:"``: a private,
    in-memory one)."""

    def __init__(self, path: str):
        self.memory = path == ":memory:"
        self.file = ":memory:" if self.memory else path + ".kept"
        self._lock = threading.Lock()
        self._con = (sqlite3.connect(":memory:", check_same_thread=False)
                     if self.memory else None)
        with self._connect() as con:
            con.executescript(read_sql("kept_schema"))

    @contextmanager
    def _connect(self):
        if self.memory:
            with self._lock:
                try:
                    yield self._con
                    self._con.commit()
                except BaseException:
                    self._con.rollback()
                    raise
            return
        con = sqlite3.connect(self.file, timeout=BUSY_TIMEOUT_S)
        try:
            yield con
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            con.close()

    def execute(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        """Run one statement; its rows."""
        with self._connect() as con:
            return con.execute(sql, [_param(p) for p in params]).fetchall()

    def migrate(self, cur) -> None:
        """Copy the kept tables of a DuckDB store (``cur``) saved before this file
        existed, once (a marker row says it was done); the DuckDB copies are emptied
        afterwards when ``cur`` may write."""
        with self._connect() as con:
            if con.execute(read_sql("kept_migrated")).fetchone()[0]:
                return
            live = {row[0] for row in cur.execute(read_sql("live_tables")).fetchall()}
            copied = []
            for table in TABLES:
                if table not in live:
                    continue
                rows = cur.execute(f"select * from {table}").fetchall()
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    con.executemany(f"insert or ignore into {table} values ({marks})",
                                    [[_param(v) for v in row] for row in rows])
                copied.append(table)
            con.execute(read_sql("kept_mark_migrated"),
                        [dt.datetime.now().isoformat(sep=" ")])
        for table in copied:
            # Read-only: the old copies stay, unused.
            with suppress(duckdb.Error):
                cur.execute(f"delete from {table}")
