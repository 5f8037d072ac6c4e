"""A scheduled load beside a running dashboard (issue 14, item 4): a command-line load
builds a new version of the store and switches its pointer, so a program holding the
store (the app) is never in the way and moves to the new dataset on its next read; two
loads at once, one wins and the other says so; what the user keeps survives; a killed
load leaves the previous dataset and nothing else behind. The first two failed on the
single-file store ("in use by another program")."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from analytics.cli import main
from data import DatasetError, Store, StoreError, kept, versions
from tests.data.conftest import write_dataset

ROOT = Path(__file__).resolve().parents[2]
OTHER_TX = "customer_id,date,net_revenue\nZ1,2025-03-05,100\nZ2,2025-03-06,250\n"


def _python(code: str, *args: str) -> subprocess.Popen:
    """A Python process in the repository, talking line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


# Holds the store the way the app does (one Store, read and written by this process):
# prints the dataset's source and customers, then on each line of input refreshes and
# prints them again; "close" closes the store.
HOLDER = """
    import sys
    from data import Store
    store = Store(sys.argv[1])
    def show():
        print(store.info().source, store.customer_count(), flush=True)
    show()
    for line in sys.stdin:
        if line.strip() == "close":
            store.close()
            print("closed", flush=True)
            continue
        print("moved" if store.refresh() else "same", flush=True)
        show()
"""


def _ask(process: subprocess.Popen, line: str = "") -> str:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


@pytest.fixture
def first(tmp_path) -> Path:
    """A store holding the reference dataset (3 customers), loaded as the app does."""
    db = tmp_path / "store.duckdb"
    store = Store(db)
    store.load_folder(write_dataset(tmp_path / "first"))
    store.close()
    return db


@pytest.fixture
def other(tmp_path) -> Path:
    return write_dataset(tmp_path / "other", transactions=OTHER_TX, activities=None,
                         rates=None, resources=None, customers=None)


def test_a_cli_load_beside_a_program_holding_the_store_reaches_it(first, other, capsys):
    holder = _python(HOLDER, str(first))
    try:
        assert holder.stdout.readline().strip() == "Folder first 4"
        assert main(["load", str(other), "--db", str(first)]) == 0
        out = capsys.readouterr()
        assert out.err == ""
        assert "transactions: 2 rows" in out.out
        assert _ask(holder) == "moved"
        assert holder.stdout.readline().strip() == "Folder other 2"
        assert _ask(holder) == "same"  # nothing new: stays
        assert holder.stdout.readline().strip() == "Folder other 2"
    finally:
        holder.kill()
        holder.wait()
    assert Store(first).info().source == "Folder other"


def test_a_second_load_while_one_runs_says_so_and_keeps_nothing(first, other, tmp_path,
                                                                  capsys):
    slow = _python("""
        import sys
        from data import Store
        def load(store):
            print("building", flush=True)
            sys.stdin.readline()
            return store.load_folder(sys.argv[2])
        print(Store.load_new_version(sys.argv[1], load).rows["transactions"], flush=True)
    """, str(first), str(write_dataset(tmp_path / "third")))
    try:
        assert slow.stdout.readline().strip() == "building"
        assert main(["load", str(other), "--db", str(first)]) == 1
        assert capsys.readouterr().err.splitlines() == [
            "error: another load into the store store.duckdb is running, so this load kept "
            "nothing: run it again when that one has finished"]
        assert _ask(slow) == "5"  # the first load goes on and wins
        assert slow.wait(timeout=30) == 0
    finally:
        slow.kill()
        slow.wait()
    store = Store(first)
    assert store.info().source == "Folder third"
    store.close()
    assert len(list(versions.versions_dir(str(first)).iterdir())) == 1


# ``python -m analytics load`` whose load, once it holds the store's lock, says so and
# waits for the file argv[1] to exist (a barrier) before it loads anything.
BLOCKED_LOAD = """
    import sys
    import time
    from pathlib import Path
    from analytics.cli import main
    from data import Store
    real = Store.load_folder
    def load_folder(store, folder, progress=None, **options):
        print("holding", flush=True)
        while not Path(sys.argv[1]).exists():
            time.sleep(0.02)
        return real(store, folder, progress, **options)
    Store.load_folder = load_folder
    sys.exit(main(sys.argv[2:]))
"""


def test_two_loads_started_together_one_wins_the_other_says_so(first, tmp_path):
    """Two ``python -m analytics load`` processes started at the same moment. The one
    that gets the lock holds it until the other has finished (a barrier file), so the
    other always meets it, whichever starts first."""
    barrier = tmp_path / "go"
    loads = [_python(BLOCKED_LOAD, str(barrier), "load", str(tmp_path / "first"),
                     "--db", str(first)) for _ in range(2)]
    try:
        done = {}
        while not done:  # the one that met the lock exits; the winner waits at the barrier
            done = {i: p.wait() for i, p in enumerate(loads) if p.poll() is not None}
            time.sleep(0.02)
        (loser, status), = done.items()
        winner = loads[1 - loser]
        assert status == 1
        assert loads[loser].stdout.read() == ""  # it never reached the load
        assert loads[loser].stderr.read() == (
            "error: another load into the store store.duckdb is running, so this load kept "
            "nothing: run it again when that one has finished\n")
        assert winner.poll() is None and winner.stdout.readline() == "holding\n"
        barrier.touch()
        assert winner.wait(timeout=60) == 0, winner.stderr.read()
    finally:
        barrier.touch()
        for p in loads:
            p.kill()
            p.wait()
    store = Store(first)
    assert store.customer_count() == 4
    store.close()
    assert len(list(versions.versions_dir(str(first)).iterdir())) == 1


def test_a_load_that_fails_leaves_the_store_as_it_was(first, tmp_path, capsys):
    bad = write_dataset(tmp_path / "bad", transactions="customer_id,date,net_revenue\n"
                        "C1,not a date,1\n")
    assert main(["load", str(bad), "--db", str(first)]) == 2
    assert "not a valid date" in capsys.readouterr().err
    assert list(versions.versions_dir(str(first)).iterdir()) == []
    assert not versions.pointer_path(str(first)).exists()
    store = Store(first)
    assert store.info().source == "Folder first"
    store.close()


def test_an_app_load_while_a_scheduled_load_runs_or_after_it_is_refused(first, other):
    store = Store(first)
    with versions.load_lock(str(first)), pytest.raises(DatasetError) as running:
        store.load_folder(other)
    assert "another load into this store (a scheduled load) is running" in str(
        running.value.problems[0])
    assert main(["load", str(other), "--db", str(first)]) == 0
    with pytest.raises(DatasetError) as replaced:  # not yet refreshed: would be lost
        store.load_folder(other)
    assert "replaced the dataset meanwhile" in str(replaced.value.problems[0])
    assert store.refresh()
    store.load_folder(other)  # on the current version: fine
    assert store.info().source == "Folder other"
    store.close()


def test_saved_scenarios_and_remembered_recipes_survive_a_cli_load(first, other):
    store = Store(first)
    store.save_scenario("Kept", {"core": 2.5})
    store.remember_recipe(["customer_id", "date"], "name = 'nightly'\n")
    store.remember_mapping("transactions", ["Kunde", "Datum"], {"customer_id": "Kunde"})
    store.close()
    assert main(["load", str(other), "--db", str(first)]) == 0
    store = Store(first)
    assert store.info().source == "Folder other"
    assert [name for name, _ in store.scenarios()] == ["Kept"]
    assert store.load_scenario("Kept") == {"core": 2.5}
    assert store.remembered_recipe(["customer_id", "date"])[0] == "name = 'nightly'\n"
    assert store.remembered_mapping("transactions", ["Kunde", "Datum"]) == {
        "customer_id": "Kunde"}
    store.close()


def test_a_store_saved_before_the_kept_file_keeps_its_scenarios(first, other):
    """Today's single-file store: its scenarios are in the DuckDB file; copied once."""
    Path(str(first) + ".kept").unlink()
    con = duckdb.connect(str(first))
    con.execute("insert into scenarios values ('Old', '{\"core\": 1}', "
                "timestamp '2025-01-02 03:04:05')")
    con.close()
    assert main(["load", str(other), "--db", str(first)]) == 0
    store = Store(first)
    assert [(n, t.isoformat()) for n, t in store.scenarios()] == [
        ("Old", "2025-01-02T03:04:05")]
    store.close()


def test_an_older_app_holding_the_single_file_store_at_upgrade_loses_nothing(first, other):
    """Review finding: an app of the code before versions holds the single-file store
    (its scenarios in the DuckDB file) while a command-line load runs; the copy cannot
    read that file then, and must neither be marked done nor read the new version's empty
    tables later; the original file stays until the copy is recorded."""
    Path(str(first) + ".kept").unlink()
    con = duckdb.connect(str(first))
    con.execute("insert into scenarios values ('Old', '{\"core\": 1}', "
                "timestamp '2025-01-02 03:04:05')")
    con.close()
    old_app = _python("""
        import sys
        import duckdb
        con = duckdb.connect(sys.argv[1])
        print("holding", flush=True)
        sys.stdin.readline()
        con.close()
        print("closed", flush=True)
    """, str(first))
    try:
        assert old_app.stdout.readline().strip() == "holding", old_app.stderr.read()
        for _ in range(2):
            assert main(["load", str(other), "--db", str(first)]) == 0
            assert not kept.migrated(str(first))
            assert first.exists()  # the original file stays until it is copied
        assert _ask(old_app) == "closed"
    finally:
        old_app.kill()
        old_app.wait()
    store = Store(first)  # the app's next start, on the new code
    assert store.info().source == "Folder other"
    assert [(n, t.isoformat()) for n, t in store.scenarios()] == [
        ("Old", "2025-01-02T03:04:05")]
    store.close()
    assert kept.migrated(str(first))
    assert not first.exists()  # copied, then removed as superseded


def test_a_store_being_built_does_not_create_the_kept_file(tmp_path, other):
    db = tmp_path / "new.duckdb"
    store = Store(db, version_file=versions.new_version_file(str(db)))
    store.load_folder(other)
    store.close()
    assert not Path(str(db) + ".kept").exists()


def test_a_killed_load_leaves_the_previous_dataset_and_its_leftovers_go(first, tmp_path):
    killed = _python("""
        import sys
        from data import Store
        def load(store):
            from pathlib import Path
            store.stage_files({"transactions": Path(sys.argv[2])})  # half a load
            print("staged", flush=True)
            sys.stdin.readline()
        Store.load_new_version(sys.argv[1], load)
    """, str(first), str(write_dataset(tmp_path / "next") / "transactions.csv"))
    try:
        assert killed.stdout.readline().strip() == "staged", killed.stderr.read()
        half = list(versions.versions_dir(str(first)).glob("*.duckdb"))
        assert len(half) == 1
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
    finally:
        killed.kill()
    assert versions.current_file(str(first)) == str(first)  # the pointer never moved
    assert half[0].exists()
    store = Store(first)  # the next start
    assert store.info().source == "Folder first"
    assert store.customer_count() == 4
    assert list(versions.versions_dir(str(first)).iterdir()) == []
    assert list(store.work_dir.iterdir()) == []
    store.close()


def test_old_versions_are_removed_when_nothing_holds_them(first, other, tmp_path):
    holder = _python(HOLDER, str(first))
    try:
        assert holder.stdout.readline().strip() == "Folder first 4"
        for _ in range(3):
            assert main(["load", str(other), "--db", str(first)]) == 0
        files = sorted(p.name for p in versions.versions_dir(str(first)).iterdir())
        assert len(files) == 1  # the two earlier new ones held by nobody
        assert first.exists()  # version 0: the holder has it
        assert _ask(holder) == "moved"
        holder.stdout.readline()
        assert _ask(holder, "close") == "closed"
    finally:
        holder.kill()
        holder.wait()
    assert main(["load", str(tmp_path / "first"), "--db", str(first)]) == 0
    assert not first.exists()  # version 0 superseded and held by nobody: gone
    assert len(list(versions.versions_dir(str(first)).iterdir())) == 1
    store = Store(first)
    assert store.info().source == "Folder first"
    store.close()


def test_a_report_reads_the_current_version(first, other, tmp_path, capsys):
    assert main(["load", str(other), "--db", str(first)]) == 0
    assert main(["load", str(tmp_path / "first"), "--db", str(first)]) == 0
    assert not first.exists()
    assert main(["report", "--db", str(first), "--out", str(tmp_path / "out")]) == 0
    assert "C1" in (tmp_path / "out" / "customer_pnl.csv").read_text()


def test_the_app_lets_go_of_the_old_version_after_a_while_and_it_is_removed(
        first, other, monkeypatch):
    import data.catalog

    app = Store(first)  # the app's store, in this process
    assert main(["load", str(other), "--db", str(first)]) == 0
    assert first.exists()  # the app holds version 0
    assert app.refresh()
    assert app.info().source == "Folder other"
    assert not app.refresh()
    assert first.exists()  # a query may still run on the old connection
    monkeypatch.setattr(data.catalog, "RETIRE_AFTER_S", 0.0)
    assert not app.refresh()  # the old connection closed, its file removed
    assert not first.exists()
    assert app.customer_count() == 2
    app.close()


def test_a_version_file_that_is_gone_is_never_created_empty(first, other, tmp_path):
    """Review finding: ``duckdb.connect`` creates a missing file, and the app would then
    load the sample into it. A pointer naming a missing file: the store refuses to open
    (and a refresh stays where it is), creating nothing."""
    app = Store(first)
    assert main(["load", str(other), "--db", str(first)]) == 0
    gone = versions.current_file(str(first))
    versions.remove_file(gone)
    assert not app.refresh()
    assert app.info().source == "Folder first"
    with pytest.raises(StoreError, match=r"current version v000001-.* is missing"):
        Store(first)
    assert not Path(gone).exists()
    app.close()


def test_a_store_opening_while_a_load_removes_the_version_it_read_opens_the_new_one(
        first, other, tmp_path, monkeypatch):
    """The pointer read, then a load switches and removes that version, then the open:
    the open reads the pointer again."""
    assert main(["load", str(other), "--db", str(first)]) == 0
    stale = versions.current_file(str(first))
    assert main(["load", str(tmp_path / "first"), "--db", str(first)]) == 0
    assert not Path(stale).exists()
    real = versions.current_file
    reads = []

    def current_file(path):
        reads.append(path)
        return stale if len(reads) == 1 else real(path)

    monkeypatch.setattr(versions, "current_file", current_file)
    store = Store(first)
    assert store.info().source == "Folder first"
    assert store.file == real(str(first))
    store.close()
    assert not Path(stale).exists()


def test_a_load_interrupted_after_its_switch_keeps_the_file_the_pointer_names(
        first, other, monkeypatch):
    real = versions.switch_to

    def switch_then_interrupted(path, file):
        real(path, file)
        raise KeyboardInterrupt  # e.g. Ctrl-C in the final fsync

    monkeypatch.setattr(versions, "switch_to", switch_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        Store.load_new_version(str(first), lambda s: s.load_folder(other))
    assert Path(versions.current_file(str(first))).exists()
    store = Store(first)
    assert store.info().source == "Folder other"
    store.close()


class _BusyConnection:
    """An old connection a query still runs on: DuckDB refuses to close it."""

    def __init__(self, busy_for: int):
        self.busy_for, self.closed = busy_for, False

    def close(self):
        if self.busy_for > 0:
            self.busy_for -= 1
            raise duckdb.ResourceInUseException("connection is busy with another call")
        self.closed = True


def test_an_old_connection_still_busy_is_closed_later_and_never_raises(first, monkeypatch):
    """Review finding: ``con.close()`` while a query runs raises; the connection had
    left the retired list already, so the page got the error and the file stayed
    held for good."""
    import data.catalog

    monkeypatch.setattr(data.catalog, "RETIRE_AFTER_S", 0.0)
    app = Store(first)
    busy = _BusyConnection(busy_for=2)
    app._retired.append((0.0, busy, "old.duckdb"))
    assert not app.refresh()  # busy: kept for later, no error
    assert not app.refresh()
    assert [r[1] for r in app._retired] == [busy] and not busy.closed
    assert not app.refresh()  # the query finished: closed now
    assert busy.closed and app._retired == []
    app._retired.append((0.0, _BusyConnection(busy_for=5), "older.duckdb"))
    app.close()  # and on shutdown, no error either


def test_a_load_starting_while_a_store_cleans_up_waits_for_it(first, other, tmp_path):
    """Review finding: every store open and delayed close probed old versions under the
    load lock, so a scheduled load starting then exited 1 ("another load is running").
    Here a program's cleanup takes ~1.5 s (a slow probe of a leftover version) while the
    load starts: the load waits for it and succeeds."""
    leftover = versions.versions_dir(str(first)) / "v000009-0badc0de.duckdb"
    leftover.parent.mkdir()
    duckdb.connect(str(leftover)).close()
    cleaner = _python("""
        import sys
        import time
        from data import versions
        real = versions._held_elsewhere
        def slow(file):
            print("probing", flush=True)
            time.sleep(1.5)
            return real(file)
        versions._held_elsewhere = slow
        print(versions.tidy(sys.argv[1]), flush=True)
    """, str(first))
    try:
        assert cleaner.stdout.readline().strip() == "probing", cleaner.stderr.read()
        assert main(["load", str(other), "--db", str(first)]) == 0
        assert cleaner.wait(timeout=30) == 0
    finally:
        cleaner.kill()
        cleaner.wait()
    assert not leftover.exists()
    store = Store(first)
    assert store.info().source == "Folder other"
    store.close()


def test_a_cleanup_skips_while_a_load_runs_and_never_takes_the_load_lock(first):
    leftover = versions.versions_dir(str(first)) / "v000009-0badc0de.duckdb"
    leftover.parent.mkdir()
    duckdb.connect(str(leftover)).close()
    with versions.cleanup_lock(str(first)):  # a load building its version
        assert versions.tidy(str(first)) == []
    assert leftover.exists()
    with versions.load_lock(str(first)):  # an app's load: cleaning up is fine
        assert versions.tidy(str(first)) == [str(leftover)]


def test_the_locks_on_windows_use_msvcrt(first, other, monkeypatch, capsys):
    """Windows has no flock: the load and cleanup locks are msvcrt byte-range locks
    (imitated here with flock, non-blocking, as msvcrt.LK_NBLCK is)."""
    import fcntl

    calls: list[int] = []

    class Msvcrt:
        LK_NBLCK, LK_UNLCK = 2, 0

        @staticmethod
        def locking(fd, mode, length):
            assert length == 1 and os.lseek(fd, 0, os.SEEK_CUR) == 0
            calls.append(mode)
            try:
                fcntl.flock(fd, fcntl.LOCK_UN if mode == 0 else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PermissionError(13, "Permission denied") from None

    monkeypatch.setattr(versions, "fcntl", None)
    monkeypatch.setattr(versions, "msvcrt", Msvcrt)
    with versions.load_lock(str(first)):
        assert main(["load", str(other), "--db", str(first)]) == 1
        assert "another load into the store store.duckdb is running" in capsys.readouterr().err
    assert main(["load", str(other), "--db", str(first)]) == 0
    assert calls.count(Msvcrt.LK_UNLCK) >= 3
