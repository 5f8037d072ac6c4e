"""Stores that keep only the customer-month cube (issue 13: ``dataset.lines_kept`` false,
the ``transactions`` and ``activities`` tables empty), for the cube-only tests: the data
tests, the page and CLI tests and the browser test build theirs here, from the same
folder as the lines-kept store they are compared with."""

from __future__ import annotations

from pathlib import Path

from data import Store


def load_cube_only(store: Store, folder: Path) -> None:
    """Load ``folder`` into ``store`` keeping the cube only (the loader's
    ``keep_lines=False``, as ``python -m analytics load … --lines drop``)."""
    store.load_folder(folder, keep_lines=False)
    info = store.info()
    assert info is not None and info.lines_kept is False


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
