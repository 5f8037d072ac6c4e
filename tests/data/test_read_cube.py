"""A report's store aggregated while the files are read (data.read_cube, issue 13 item 7):
the whole span's customer table is the one a store keeping its lines gives, exactly
(property test over random datasets through the real loader), and anything that needs
the lines (a problem to name, an empty money cell, an activity without a rate, extra
columns, a period) takes the usual way with the usual words."""

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import DatasetError, Store
from tests.data.conftest import write_dataset
from tests.data.test_cube_periods import activity, line, write


def report_store(folder: Path) -> Store:
    """A store as ``report DIR`` of the whole span opens it."""
    store = Store(":memory:")
    store.cube_as_views = True
    store.aggregate_on_read = True
    store.load_folder(folder)
    return store


def usual_store(folder: Path) -> Store:
    store = Store(":memory:")
    store.load_folder(folder)
    return store


def assert_same_base(read: Store, usual: Store, segments=None, regions=None) -> None:
    got = read.customer_base(None, None, segments, regions)
    want = usual.customer_base(None, None, segments, regions)
    pd.testing.assert_frame_equal(got.customers, want.customers)
    pd.testing.assert_frame_equal(got.volumes, want.volumes)
    pd.testing.assert_series_equal(got.period_volume, want.period_volume)
    assert got.warnings == want.warnings
    assert got.period_fraction == want.period_fraction
    info, usual_info = read.info(), usual.info()
    same = ("source", "files", "rows", "columns", "warnings", "first_date", "last_date")
    assert [getattr(info, f) for f in same] == [getattr(usual_info, f) for f in same]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line, min_size=1, max_size=40),
       activities=st.lists(activity, max_size=25),
       segments=st.sampled_from([None, ["S1"], ["S2"]]))
def test_the_whole_span_aggregated_while_read_is_the_lines_customer_table(
        tmp_path_factory, lines, activities, segments):
    folder = write(tmp_path_factory.mktemp("ds"), lines, activities)
    read, usual = report_store(folder), usual_store(folder)
    try:
        # It took the fast path (or this test would prove nothing): no lines kept.
        assert read.info().lines_kept is False
        assert usual.info().lines_kept is True
        assert_same_base(read, usual, segments)
    finally:
        read.close()
        usual.close()


def test_known_answer_orders_lines_and_spans(tmp_path):
    # C0: order A over two months (3 lines), order B (1 line), a line without an order;
    # C1: one line. Orders count once each whatever their months.
    folder = write(tmp_path / "ds", [
        (0, 0, 1, 0, 2, 100_000, 50_000), (0, 40, 1, 1, 1, 200_000, 10_000),
        (0, 41, 1, 1, 1, -30_000, 0), (0, 5, 2, 0, 3, 10_000, 1_000),
        (0, 90, None, None, None, 5_000, 0), (1, 7, 0, 2, 4, 40_000, 20_000),
    ], [(0, "Order", 4, 3), (0, "Order", 2, None), (1, "Complaint", 1, 60)])
    read = report_store(folder)
    try:
        table = read.customer_base().customers
        assert table.loc["C0", ["orders", "invoice_lines", "units"]].tolist() == [2, 5, 7.0]
        assert table.loc["C0", "net_revenue"] == 28.5  # (10 + 20 - 3 + 1 + 0.5)
        assert table.loc["C1", ["orders", "invoice_lines"]].tolist() == [1, 1]
        assert str(table.loc["C0", "first_date"])[:10] == "2023-01-01"
        assert str(table.loc["C0", "last_date"])[:10] == "2023-04-01"
        volumes = read.customer_base().volumes
        assert volumes.loc["C0", "Order"] == 3.0  # 2 dated + 1 undated (halves)
        assert read.info().lines_kept is False
    finally:
        read.close()


def test_a_period_is_refused_by_a_store_aggregated_while_read(tmp_path):
    folder = write(tmp_path / "ds", [(0, 0, 1, 0, 2, 100_000, 50_000)], [])
    read = report_store(folder)
    try:
        with pytest.raises(ValueError, match="whole span only"):
            read.customer_base(dt.date(2023, 1, 1), None)
    finally:
        read.close()


CLEAN = ("customer_id,date,order_id,product_id,quantity,net_revenue,list_revenue,cogs\n"
         "C0,2023-01-05,O1,P1,2,10.00,12.00,4.00\nC1,2023-02-05,O2,P1,1,5.00,5.00,2.00\n")


@pytest.mark.parametrize("transactions, activities, why", [
    (CLEAN.replace("12.00,4.00", "12.00,"), None, "an empty cogs cell"),
    (CLEAN.replace("12.00,4.00", ",4.00"), None, "an empty list revenue cell"),
    (CLEAN, "customer_id,activity,quantity,date\nC0,Visit,1,2023-01-05\n",
     "an activity without a rate"),
    (CLEAN.replace(",cogs\n", ",cogs,discount\n").replace("4.00\n", "4.00,0\n")
     .replace("2.00\n", "2.00,0\n"), None, "a discount column"),
    (CLEAN.replace("10.00", "ten"), None, "a value that is not a number"),
    (CLEAN.replace("C1,", ",", 1), None, "an empty customer id"),
])
def test_what_needs_the_lines_takes_the_usual_way_with_the_usual_words(
        tmp_path, transactions, activities, why):
    folder = write_dataset(tmp_path / "ds", transactions=transactions,
                           activities=activities)
    try:
        want = usual_store(folder)
    except DatasetError as error:
        with pytest.raises(DatasetError) as got:
            report_store(folder)
        assert [dataclasses.astuple(p) for p in got.value.problems] == [
            dataclasses.astuple(p) for p in error.problems], why
        return
    read = report_store(folder)
    try:
        assert read.info().lines_kept is True, why  # read the usual way
        assert read.info().warnings == want.info().warnings, why
        pd.testing.assert_frame_equal(read.customer_base().customers,
                                      want.customer_base().customers)
    finally:
        read.close()
        want.close()


def test_the_clean_version_of_those_files_is_aggregated(tmp_path):
    # The cases above differ from this one by the one thing each names.
    read = report_store(write_dataset(tmp_path / "ds", transactions=CLEAN, activities=None))
    try:
        assert read.info().lines_kept is False
    finally:
        read.close()


def test_a_report_store_loaded_the_usual_way_answers_a_period(tmp_path):
    # Only a store that did aggregate while reading refuses a period (not one that was
    # allowed to but declined, nor a cube another engine built).
    folder = write_dataset(tmp_path / "ds", transactions=CLEAN.replace("12.00,4.00", "12.00,"),
                           activities=None)
    read = report_store(folder)
    try:
        assert read.info().lines_kept is True
        assert not read.customer_base(dt.date(2023, 2, 1), None).customers.empty
    finally:
        read.close()


# Ids with blanks around them: grouped as read, trimmed after (Importer._rekey), so ' C1 '
# and 'C1' are one customer and ' O1' and 'O1' one order, as on the lines.
PADS = ["", " ", "  ", "\u00a0", "\u3000"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line, min_size=1, max_size=30),
       activities=st.lists(activity, max_size=20),
       pads=st.lists(st.tuples(st.sampled_from(PADS), st.sampled_from(PADS)), min_size=1,
                     max_size=8))
def test_ids_with_blanks_around_them_are_merged_as_on_the_lines(
        tmp_path_factory, lines, activities, pads):
    folder = write(tmp_path_factory.mktemp("ds"), lines, activities)
    for table, keys in (("transactions", (0, 2)), ("activities", (0, 1))):
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        rows = path.read_text(encoding="utf-8").splitlines()
        for n in range(1, len(rows)):
            cells = rows[n].split(",")
            before, after = pads[n % len(pads)]
            for k in keys:
                if cells[k]:
                    cells[k] = before + cells[k] + after
            rows[n] = ",".join(cells)
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    read, usual = report_store(folder), usual_store(folder)
    try:
        assert read.info().lines_kept is False
        assert_same_base(read, usual)
    finally:
        read.close()
        usual.close()


def test_padded_ids_known_answer(tmp_path):
    transactions = (CLEAN + " C0 ,2023-03-05,O1 ,P1,1,1.00,1.00,0.50\n"
                    "C0,2023-04-05, O2,P1,1,2.00,2.00,1.00\n")
    activities = ("customer_id,activity,quantity,date\nC0,Order,1,2023-01-05\n"
                  "\u00a0C0, Order ,2,2023-02-05\nC1,Order ,1,\n")
    read = report_store(write_dataset(tmp_path / "ds", transactions=transactions,
                                      activities=activities))
    try:
        assert read.info().lines_kept is False
        table = read.customer_base().customers
        # C0: O1 (2 lines, one with blanks) and O2 (' O2'): two orders, three lines.
        assert table.loc["C0", ["orders", "invoice_lines"]].tolist() == [2, 3]
        assert table.loc["C0", "net_revenue"] == 13.0
        assert list(table.index) == ["C0", "C1"]
        volumes = read.customer_base().volumes
        assert volumes.loc["C0", "Order"] == 3.0
        assert volumes.loc["C1", "Order"] == 1.0
    finally:
        read.close()


@pytest.mark.parametrize("transactions, activities", [
    (CLEAN + "  ,2023-03-05,O3,P1,1,1.00,1.00,0.50\n", None),
    (CLEAN, "customer_id,activity,quantity,date\nC0,Order,1,2023-01-05\nC0,\u3000,1,\n"),
])
def test_an_id_of_blanks_only_takes_the_usual_way_with_the_usual_words(
        tmp_path, transactions, activities):
    folder = write_dataset(tmp_path / "ds", transactions=transactions,
                           activities=activities)
    with pytest.raises(DatasetError) as error:
        usual_store(folder)
    with pytest.raises(DatasetError) as got:
        report_store(folder)
    assert [dataclasses.astuple(p) for p in got.value.problems] == [
        dataclasses.astuple(p) for p in error.value.problems]


def test_reads_by_month_are_refused_by_a_store_aggregated_while_read(tmp_path):
    # Its activity-months hold the whole span, undated rows in full: a read by month
    # would put them in a month.
    read = report_store(write_dataset(tmp_path / "ds", transactions=CLEAN, activities=None))
    try:
        assert read.info().lines_kept is False
        for call in (lambda: read.customer_history("C0"),
                     lambda: read.customer_years(),
                     lambda: read.order_sizes(100.0)):
            with pytest.raises(ValueError, match="whole span only"):
                call()
        assert not read.customer_base().customers.empty
    finally:
        read.close()
