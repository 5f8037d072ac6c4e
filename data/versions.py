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
- ``STORE.lock``: held by a load for its whole run (``flock``; ``msvcrt.locking`` on
  Windows; either is released by the system when the process dies): a second load
  meanwhile is refused at once, and says so;
- ``STORE.cleanup.lock``: held by a cleanup of old versions (a store opening, an old
  connection closed) and by a command-line load for its whole run: a cleanup skips when
  it is held, and a load waits for a cleanup to finish (:data:`CLEANUP_WAIT_S`);
- ``STORE.kept``: what the user keeps across loads (see :mod:`data.kept`).

Old versions, and a killed load's half-built one, are removed when nothing holds them:
at each load, and when a store opens.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX: flock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None
try:  # Windows: a byte-range lock on the lock file
    import msvcrt
except ImportError:
    msvcrt = None

import duckdb

from data import kept

VERSION_NAME = re.compile(r"^v(\d{6,})-[0-9a-f]+\.duckdb$")

# Version files open in this process (by any store object): never probed or removed by
# this process's cleanups (a probe would meet DuckDB's own instance of the file).
_open_files: dict[str, int] = {}
_open_lock = threading.Lock()
CLEANUP_WAIT_S = 15.0  # how long a load waits for a cleanup of old versions to finish


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


def _try_lock(fd: int) -> bool:
    """Take the lock of an open lock file without waiting; False when another holder
    (a program, or another open of the file in this one) has it."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


@contextmanager
def _file_lock(name: str, wait_s: float = 0.0):
    """Hold the lock of the file ``name`` (created if missing), waiting up to
    ``wait_s`` for it; yields whether it is held."""
    if fcntl is None and msvcrt is None:  # pragma: no cover - neither POSIX nor Windows
        yield True
        return
    fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while not (held := _try_lock(fd)) and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            yield held
        finally:
            if held:
                _unlock(fd)
    finally:
        os.close(fd)


@contextmanager
def load_lock(path: str):
    """Hold the store's load lock for a load (released by the system if the process
    dies). Raises :class:`LoadRunning` at once when another load holds it."""
    with _file_lock(path + ".lock") as held:
        if not held:
            raise LoadRunning()
        yield


@contextmanager
def cleanup_lock(path: str, wait_s: float = CLEANUP_WAIT_S):
    """Hold the store's cleanup lock (a command-line load holds it for its whole run, so
    no cleanup removes the version it builds), waiting up to ``wait_s`` for a cleanup
    running elsewhere. Raises :class:`LoadRunning` if it is still held then."""
    with _file_lock(path + ".cleanup.lock", wait_s) as held:
        if not held:
            raise LoadRunning()
        yield


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
    load left. Call under the cleanup lock (a load holds it while it builds one).
    Returns the removed files."""
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
    """:func:`remove_old_versions` unless a load or another cleanup is running (a load
    tidies itself). Never takes the load lock, so a load starting meanwhile is not
    refused."""
    with _file_lock(path + ".cleanup.lock") as held:
        return remove_old_versions(path) if held else []
