"""Robustness (issue 14): numbers within bounds, bounded reading, plain messages (out of
memory, a store held by another program), a killed load's leftovers removed, labels
without server paths; each test failed on the code before its fix."""

import pytest

from analytics.cli import main

TX = "customer_id,date,net_revenue\nC1,2024-01-05,100\n"


def load(tmp_path, files, capsys):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    status = main(["load", str(folder), "--db", str(tmp_path / "x.duckdb")])
    return status, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(("files", "expected"), [
    ({"transactions.csv": "customer_id,date,net_revenue\nC1,2024-01-05,100000000000000\n"},
     'transactions.csv line 2, net_revenue: "100000000000000" is out of range (largest '
     "allowed 999,999,999,999.99)"),
    ({"transactions.csv": "customer_id,date,net_revenue,quantity\nC1,2024-01-05,1,1e26\n"},
     'transactions.csv line 2, quantity: "1e26" is out of range (largest allowed '
     "999,999,999,999.99)"),
    ({"transactions.csv": TX, "activities.csv": "customer_id,activity,quantity\nC1,A,1\n",
      "rates.csv": "activity,cost_per_unit\nA,1e30\n"},
     'rates.csv line 2, cost_per_unit: "1e30" is out of range (largest allowed '
     "999,999,999,999.99)"),
    ({"transactions.csv": TX, "activities.csv": "customer_id,activity,quantity\nC1,A,1\n",
      "rates.csv": "activity,resource,unit_time\nA,R,1\n",
      "resources.csv": "resource,cost,capacity\nR,10,-1e13\n"},
     'resources.csv line 2, capacity: "-1e13" is out of range (largest allowed '
     "999,999,999,999.99)"),
])
def test_values_beyond_the_bounds_are_refused_by_name(tmp_path, capsys, files, expected):
    status, lines = load(tmp_path, files, capsys)
    assert status == 2
    assert expected in lines


def test_the_largest_allowed_value_loads_and_reports(tmp_path, capsys):
    files = {"transactions.csv": "customer_id,date,net_revenue,cogs\n"
             "C1,2024-01-05,999999999999.99,1\nC2,2024-01-05,-999999999999.99,1\n"}
    status, _ = load(tmp_path, files, capsys)
    assert status == 0
    assert main(["report", "--db", str(tmp_path / "x.duckdb"), "--out",
                 str(tmp_path / "out")]) == 0
    import pandas as pd

    pnl = pd.read_csv(tmp_path / "out" / "customer_pnl.csv").set_index("customer_id")
    assert pnl.loc["C1", "net_revenue"] == 999999999999.99
    assert pnl.loc["C2", "profit"] == -1000000000000.99
    assert "inf" not in (tmp_path / "out" / "customer_pnl.csv").read_text().lower()


def test_thousands_of_ignored_columns_are_summarised(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PROFITLENS_MAX_COLUMNS", "20000")
    header = "customer_id,date,net_revenue," + ",".join(f"x{i}" for i in range(10_000))
    row = "C1,2024-01-05,100," + ",".join("x" for _ in range(10_000))
    status, _ = load(tmp_path, {"transactions.csv": f"{header}\n{row}\n"}, capsys)
    assert status == 0
    from data import Store

    store = Store(tmp_path / "x.duckdb")
    (warning,) = [w for w in store.info().warnings if "not in the contract" in w]
    store.close()
    assert warning == ("transactions.csv: 10,000 column(s) not in the contract ignored: "
                       "x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, … and 9,990 more")


def test_the_dataset_label_names_the_folder_not_the_server_path(tmp_path, capsys):
    status, _ = load(tmp_path, {"transactions.csv": TX}, capsys)
    assert status == 0
    from data import Store

    store = Store(tmp_path / "x.duckdb")
    assert store.info().source == "Folder ds"
    store.close()


def test_a_nested_parquet_column_is_refused_by_name(tmp_path, capsys):
    import duckdb

    folder = tmp_path / "ds"
    folder.mkdir()
    duckdb.connect().execute(
        "COPY (SELECT {'id': 'C1', 'x': 1} AS customer_id, DATE '2024-01-01' AS date, "
        "10.0 AS net_revenue, [1, 2] AS tags) TO ? (FORMAT parquet)",
        [str(folder / "transactions.parquet")],
    )
    status = main(["load", str(folder), "--db", str(tmp_path / "x.duckdb")])
    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        'transactions.parquet: column "customer_id" (for customer_id) is nested '
        "(struct(id varchar, x integer)): export it as a plain column"]


def test_a_killed_loads_leftovers_are_removed_at_the_next_start(tmp_path):
    """Temporary files live in the store's work folder, emptied when the store opens."""
    from data import Store

    db = tmp_path / "store.duckdb"
    Store(db).close()
    leftover = tmp_path / "store.duckdb.work" / "load-killed"
    leftover.mkdir(parents=True)
    (leftover / "src_1.utf8.csv").write_text("a copy of an upload\n")
    store = Store(db)
    assert not leftover.exists()
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "transactions.csv").write_text(TX)
    store.load_folder(folder)
    assert list((tmp_path / "store.duckdb.work").iterdir()) == []  # a load cleans after itself
    store.close()


def test_out_of_memory_is_one_plain_sentence(tmp_path):
    from data import DatasetError, Store
    from data.sample import write_sample

    write_sample(tmp_path / "ds", customers=300)
    store = Store(":memory:", memory_limit="2MB")
    with pytest.raises(DatasetError) as error:
        store.load_folder(tmp_path / "ds")
    assert str(error.value) == (
        "dataset: does not fit in the memory ProfitLens may use (2MB): load a shorter period "
        "or fewer columns, or raise the limit with PROFITLENS_MEMORY_LIMIT")
    assert not store.has_dataset()
    store.close()


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened(
        tmp_path, capsys, monkeypatch):
    import openpyxl

    folder = tmp_path / "ds"
    folder.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "date", "net_revenue", "note"])
    for number in range(20_000):  # a small zip bomb: repetitive cells compress well
        book.active.append([f"C{number % 7}", "2024-01-05", 1, "x" * 200])
    book.save(folder / "transactions.xlsx")
    assert (folder / "transactions.xlsx").stat().st_size < 1024 * 1024
    monkeypatch.setenv("PROFITLENS_MAX_UNPACKED_MB", "1")
    status = main(["load", str(folder), "--db", str(tmp_path / "x.duckdb")])
    assert status == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("transactions.xlsx: unpacks to ")
    assert line.endswith("MB, more than the 1 MB allowed for a workbook (save it as CSV or "
                         "Parquet, or raise PROFITLENS_MAX_UNPACKED_MB)")


def test_a_file_with_more_columns_than_allowed_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PROFITLENS_MAX_COLUMNS", "5")
    header = "customer_id,date,net_revenue,a,b,c"
    status, lines = load(tmp_path, {"transactions.csv": f"{header}\nC1,2024-01-05,1,,,\n"},
                         capsys)
    assert status == 2
    assert lines == ["transactions.csv: has 6 columns, more than the 5 allowed (raise "
                     "PROFITLENS_MAX_COLUMNS to read it)"]


def test_a_header_longer_than_64_kib_is_read_whole(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PROFITLENS_MAX_COLUMNS", "20000")
    names = [f"a_rather_long_column_name_{i}" for i in range(3_000)]  # about 100 KiB
    header = "customer_id,date,net_revenue," + ",".join(names)
    row = "C1,2024-01-05,100," + ",".join("" for _ in names)
    assert len(header) > 64 * 1024
    status, lines = load(tmp_path, {"transactions.csv": f"{header}\n{row}\n"}, capsys)
    assert status == 0, lines


def test_a_rate_card_edit_keeps_a_name_with_a_line_break_in_one_row():
    from data import Store

    store = Store(":memory:")
    store.load_sample(customers=50)
    rates, resources = store.rate_card()
    rates.loc[len(rates)] = ["New\ractivity", 5.0, None, None, False]  # + relationship flag
    store.replace_rate_card(rates, resources)
    saved, _ = store.rate_card()
    assert saved["activity"].tolist()[-1] == "New\ractivity"
    assert len(saved) == len(rates)
    store.close()


def test_a_store_another_program_holds_says_so_in_one_line(tmp_path, capsys):
    """A report (a load builds a new version beside it: tests/data/test_versions.py)."""
    import subprocess
    import sys
    import time

    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
        " time.sleep(60)"), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert main(["report", "--db", str(db), "--out", str(tmp_path / "out")]) == 1
        assert capsys.readouterr().err.splitlines() == [
            "error: the store held.duckdb is in use by another program (a running dashboard, "
            "or another load): DuckDB lets one program write to it at a time"]
    finally:
        holder.kill()
        time.sleep(0.1)


def test_a_slow_validation_does_not_hold_up_another_users(tmp_path):
    """Reading and validating never holds the store's lock (issue 14, item 3)."""
    import threading

    from data import Store
    from data.sample import write_sample

    write_sample(tmp_path / "big", customers=200)
    small = tmp_path / "small"
    small.mkdir()
    (small / "transactions.csv").write_text(TX)
    store = Store(tmp_path / "store.duckdb")
    reading = threading.Event()
    release = threading.Event()

    def slow(fraction, text):  # the first user's validation, stuck mid-read
        reading.set()
        release.wait(30)

    first = {}
    worker = threading.Thread(target=lambda: first.update(
        pending=store.stage_files({"transactions": tmp_path / "big" / "transactions.csv"},
                                  progress=slow)))
    worker.start()
    assert reading.wait(30)
    done = threading.Event()
    second = threading.Thread(target=lambda: (store.load_folder(small), done.set()))
    second.start()
    assert done.wait(30), "the second user's load waited on the first user's validation"
    release.set()
    worker.join(60)
    assert store.info().rows["transactions"] == 1
    assert first["pending"].rows["transactions"] > 1  # the slow one finished unharmed
    store.commit(first["pending"])
    assert store.info().rows["transactions"] > 1
    store.close()


def test_a_file_of_broken_lines_is_counted_without_keeping_them_all(tmp_path, capsys):
    content = "customer_id,date,net_revenue\n" + " \n" * 12_000
    status, lines = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines[0].startswith("transactions.csv line 2: the row has ")
    assert lines[-1].startswith("transactions.csv: at least ")
    assert lines[-1].endswith(" more rows cannot be read as CSV")


def test_undated_activity_is_prorated_like_capacity_under_a_period_filter(tmp_path):
    """Issue 10, item 7: a quarter of a year showed a resource 960 % used, because undated
    activity counted in full while capacity was prorated."""
    import datetime as dt

    from analytics.analysis import analyse
    from data import Store

    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "transactions.csv").write_text(
        "customer_id,date,net_revenue\nC1,2024-01-01,100\nC1,2024-12-31,100\n")
    (folder / "activities.csv").write_text("customer_id,activity,quantity\nC1,Calls,366\n")
    (folder / "rates.csv").write_text("activity,resource,unit_time\nCalls,Desk,10\n")
    (folder / "resources.csv").write_text("resource,cost,capacity\nDesk,3660,4000\n")
    store = Store(":memory:")
    store.load_folder(folder)
    quarter = store.customer_base(dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # 91 of 366 days
    assert quarter.volumes.loc["C1", "Calls"] == pytest.approx(366 * 91 / 366)
    result = analyse(quarter.customers, quarter.volumes, quarter.rates, quarter.resources,
                     period_fraction=quarter.period_fraction,
                     capacity_volume=quarter.period_volume)
    used = result.capacity.set_index("resource").loc["Desk", "used"]
    capacity = result.capacity.set_index("resource").loc["Desk", "capacity"]
    assert used / capacity == pytest.approx(3660 / 4000)  # the year's 91.5 %, not 4 times it
    assert quarter.warnings == ("Activities without dates are prorated to the chosen period: "
                                "24.9 % of their volume, as for capacity.",)
    whole = store.customer_base()
    assert whole.volumes.loc["C1", "Calls"] == 366
    store.close()


def test_a_second_store_object_leaves_a_running_loads_files_alone(tmp_path):
    import os

    from data import Store

    db = tmp_path / "store.duckdb"
    first = Store(db)
    with first.temp_dir("load-") as running:
        assert f"load-{os.getpid()}-" in running
        second = Store(db)  # same process: its load may be running
        assert os.path.isdir(running)
        second.close()
    first.close()
