"""The store's versions: a load beside a running dashboard (issue 14, item 4).

DuckDB lets one program hold a database file for writing, and refuses even a read-only
open of a file another program holds. So a scheduled load (``python -m analytics load
--db STORE``) never opens the file the dashboard holds: it builds the next version of
the dataset in a new file and switches a pointer to it; the dashboard sees the pointer
change on its next rerun and opens the new version.

Layout beside the configured path ``STORE`` (e.g. ``data/profitlens.duckdb``):

- ``STORE``: version 0, the single file of a store never loaded from the command line
  (today's layout, and a fresh store's: the app's first start loads the sample there);
- ``STORE.versions/v000007-<token>.duckdb``: versions built by command-line loads;
- ``STORE.current``: the pointer, the current version's name relative to the store's
  folder, replaced with :func:`os.replace` (atomic) once the new version is complete
  and on disk (fsync'd); without it, ``STORE`` is current;
- ``STORE.lock``: held (``flock``) by a load for its whole run: a second load meanwhile
  is refused at once, and says so;
- ``STORE.kept``: what the user keeps across loads (see :mod:`data.kept`).

Old versions, and a killed load's half-built one, are removed when nothing holds them:
at each load, and when a store opens.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX; elsewhere loads are not serialised across programs (documented)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

import duckdb

from data import kept

VERSION_NAME = re.compile(r"^v(\d{6,})-[0-9a-f]+\.duckdb$")

# Version files open in this process (by any store object): never probed or removed by
# this process's cleanups (a probe would meet DuckDB's own instance of the file).
_open_files: dict[str, int] = {}
_open_lock = threading.Lock()


class LoadRunning(Exception):
    """Another load holds the store's load lock."""


def versions_dir(path: str) -> Path:
    return Path(path + ".versions")


def pointer_path(path: str) -> Path:
    return Path(path + ".current")


def current_file(path: str) -> str:
    """The file holding the store's current version (``path`` itself without a
    pointer)."""
    try:
        name = pointer_path(path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return path
    return str(Path(path).parent / name) if name else path


def exists(path: str) -> bool:
    """Whether the store at ``path`` has a database (its current version's file)."""
    return os.path.exists(current_file(str(path)))


def pointer_stamp(path: str) -> tuple[int, int] | None:
    """A cheap fingerprint of the pointer (a stat, ~2 µs): it changes when a load
    switches it."""
    try:
        st = os.stat(pointer_path(path))
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def opened(file: str) -> None:
    with _open_lock:
        _open_files[file] = _open_files.get(file, 0) + 1


def closed(file: str) -> None:
    with _open_lock:
        left = _open_files.get(file, 0) - 1
        if left > 0:
            _open_files[file] = left
        else:
            _open_files.pop(file, None)


@contextmanager
def load_lock(path: str):
    """Hold the store's load lock for a load (``flock``, non-blocking; released by the
    system if the process dies). Raises :class:`LoadRunning` when another load holds
    it."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LoadRunning() from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def new_version_file(path: str) -> str:
    """A new version's file name, numbered after the newest one (call under the load
    lock)."""
    folder = versions_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for f in folder.iterdir()
               if (m := VERSION_NAME.match(f.name))]
    number = max(numbers, default=0) + 1
    return str(folder / f"v{number:06d}-{uuid.uuid4().hex[:8]}.duckdb")


def _fsync(path: str | Path, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    except OSError:  # pragma: no cover - e.g. directories on Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def switch_to(path: str, file: str) -> None:
    """Make ``file`` (a complete, closed version) current: its bytes reach the disk,
    then the pointer is replaced atomically (call under the load lock)."""
    _fsync(file)
    _fsync(Path(file).parent, directory=True)
    pointer = pointer_path(path)
    tmp = pointer.with_name(pointer.name + f".{os.getpid()}.tmp")
    tmp.write_text(os.path.relpath(file, Path(path).parent) + "\n", encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, pointer)
    _fsync(pointer.parent, directory=True)


def _held_elsewhere(file: str) -> bool:
    """Whether another program holds a version file (DuckDB refuses to open it)."""
    try:
        con = duckdb.connect(file, read_only=True)
    except duckdb.Error as exc:
        return "lock" in str(exc).lower()
    con.close()
    return False


def remove_file(file: str) -> None:
    for name in (file, file + ".wal"):
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass
        except OSError:  # pragma: no cover - e.g. held open on Windows: next time
            pass


def remove_old_versions(path: str) -> list[str]:
    """Remove every version file but the current one that nobody holds: old versions
    (a dashboard on one keeps it until it has moved on) and half-built ones a killed
    load left. Call under the load lock (so no load is building one). Returns the
    removed files."""
    if path == ":memory:":
        return []
    current = current_file(path)
    folder = versions_dir(path)
    candidates = [str(f) for f in folder.iterdir()
                  if VERSION_NAME.match(f.name)] if folder.is_dir() else []
    if current != path and os.path.exists(path) and kept.migrated(path):
        # Version 0, superseded; kept until what the user kept in it is copied.
        candidates.append(path)
    removed = []
    for file in sorted(candidates):
        with _open_lock:
            mine = file in _open_files
        if file == current or mine or _held_elsewhere(file):
            continue
        remove_file(file)
        removed.append(file)
    if folder.is_dir():  # a pointer written by a killed switch
        for tmp in Path(path).parent.glob(pointer_path(path).name + ".*.tmp"):
            tmp.unlink(missing_ok=True)
    return removed


def tidy(path: str) -> list[str]:
    """:func:`remove_old_versions` unless a load is running (it will tidy itself)."""
    try:
        with load_lock(path):
            return remove_old_versions(path)
    except LoadRunning:
        return []
