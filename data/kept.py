"""What the user keeps across loads (remembered column mappings and recipes, saved
pricing scenarios), in a small SQLite file beside the store: ``STORE.kept``.

Why not in the DuckDB file: a load beside a running dashboard builds a new version of
the dataset (:mod:`data.versions`) and cannot read the version the dashboard holds
(DuckDB refuses even a read-only open of it), so what is kept lives where both programs
can write it at once. SQLite locks per transaction and waits for the other writer
(``timeout``); an open, a statement and a close take ~0.07 ms (a DuckDB file takes ~90
ms to open and close), so each call opens it briefly. The same SQL files serve
(``insert or replace`` is SQLite and DuckDB alike); times are stored as ISO text.

A store saved before this file existed has these tables in its DuckDB file, the store's
original file (version 0, ``STORE`` itself): they are copied here once
(:meth:`Kept.migrate`), from that file only (never from a version a command-line load
built, which has none), when the store is opened or a load starts and nobody else holds
that file; the original file is kept until the copy is recorded (:func:`migrated`).
"""

from __future__ import annotations

import datetime as dt
import os
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


def migrated(path: str) -> bool:
    """Whether the store at ``path`` has had its original file's kept tables copied into
    its kept-state file (read only: never creates the file). Until then the original file
    must stay."""
    file = path + ".kept"
    if not os.path.exists(file):
        return False
    try:
        con = sqlite3.connect(f"file:{file}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return False
    try:
        return bool(con.execute(read_sql("kept_migrated")).fetchone()[0])
    except sqlite3.Error:  # no kept_meta table yet
        return False
    finally:
        con.close()


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
        # The file and its tables are made on first use, not here: a store object
        # building a new version must not create it (a missing marker, not a missing
        # file, says the original file's tables are still to be copied).
        self._ready = False

    @contextmanager
    def _connect(self):
        if not self._ready:
            self._ready = True
            with self._connect() as con:
                con.executescript(read_sql("kept_schema"))
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

    def migrate(self, original: str, cur=None) -> bool:
        """Copy the kept tables of the store's original DuckDB file ``original`` (version
        0, saved before this file existed), once: a marker row records it. ``cur``: a
        cursor on that file when this program holds it (its copies are then emptied
        when it may write); otherwise the file is opened read-only, and when another
        program holds it (an older app) nothing is copied or marked: next time. A store
        without that file has nothing to copy. Returns whether the copy is recorded."""
        with self._connect() as con:
            if con.execute(read_sql("kept_migrated")).fetchone()[0]:
                return True
        if cur is not None:
            copied = self._copy(cur)
        elif not os.path.exists(original):
            copied = []
        else:
            try:
                source = duckdb.connect(original, read_only=True)
            except duckdb.Error:  # held by another program: copy next time
                return False
            try:
                copied = self._copy(source)
            finally:
                source.close()
            copied = []  # read-only: the old copies stay, unused
        with self._connect() as con:
            con.execute(read_sql("kept_mark_migrated"), [dt.datetime.now().isoformat(sep=" ")])
        for table in copied:
            with suppress(duckdb.Error):  # read-only: the old copies stay, unused
                cur.execute(f"delete from {table}")
        return True

    def _copy(self, cur) -> list[str]:
        live = {row[0] for row in cur.execute(read_sql("live_tables")).fetchall()}
        copied = []
        with self._connect() as con:
            for table in TABLES:
                if table not in live:
                    continue
                rows = cur.execute(f"select * from {table}").fetchall()
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    con.executemany(f"insert or ignore into {table} values ({marks})",
                                    [[_param(v) for v in row] for row in rows])
                copied.append(table)
        return copied
