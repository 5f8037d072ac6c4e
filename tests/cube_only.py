"""Stores that keep only the customer-month cube (issue 13: ``dataset.lines_kept`` false,
the ``transactions`` and ``activities`` tables empty), for the cube-only tests: the data
tests, the page and CLI tests and the browser test build theirs here, from the same
folder as the lines-kept store they are compared with."""

from __future__ import annotations

import inspect
from pathlib import Path

from data import Store


def drop_lines(store: Store) -> None:
    """Make a loaded store cube-only in one transaction: its invoice lines and activity
    rows deleted, ``lines_kept`` false. What a load with ``keep_lines=False`` leaves (the
    dataset record still counts the rows loaded)."""
    with store.cursor() as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute("DELETE FROM transactions")
            cur.execute("DELETE FROM activities")
            cur.execute("UPDATE dataset SET lines_kept = false")
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise


def load_cube_only(store: Store, folder: Path) -> None:
    """Load ``folder`` into ``store`` keeping the cube only: with the loader's
    ``keep_lines=False`` when it has it, else a normal load then :func:`drop_lines`."""
    if "keep_lines" in inspect.signature(store.load_folder).parameters:
        store.load_folder(folder, keep_lines=False)
    else:
        store.load_folder(folder)
        drop_lines(store)


def store_pair(folder: Path, kept: Path | str, cube_only: Path | str) -> tuple[Path | str, ...]:
    """Two store files loaded from ``folder``: one keeping the lines, one the cube only."""
    store = Store(kept)
    try:
        store.load_folder(folder)
    finally:
        store.close()
    store = Store(cube_only)
    try:
        load_cube_only(store, folder)
    finally:
        store.close()
    return kept, cube_only
