"""A store that keeps only the customer-month cube (issue 13: ``lines_kept`` false, no
invoice lines or activity rows) against a store of the same files that keeps the lines:
the same customer P&L to the cent for the whole span and for whole-month periods, every
other read the same too; a period with a partial month prorated by days (hand-checked
on Kaplan & Anderson's department) with the warning; the rate card check and the
dataset record read from the cube and the load's counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.analysis import analyse_base
from analytics.money import to_cents
from data import Store
from data.importer import DatasetError
from data.sample import write_sample
from tests.cube_only import load_cube_only
from tests.spark.test_parity import KA_FILES, write_folder

D = dt.date
MONEY = ("list_revenue", "net_revenue", "cogs", "cost_to_serve", "profit")
# Whole calendar months only: a cube-only store reads them exactly.
SAMPLE_PERIODS = [
    (None, None),
    (D(2023, 1, 1), D(2023, 12, 31)),
    (D(2024, 3, 1), D(2024, 5, 31)),
    (D(2022, 2, 1), D(2022, 2, 28)),
    (None, D(2022, 6, 30)),
    (D(2024, 7, 1), None),
]


def pair(folder):
    kept, cube_only = Store(":memory:"), Store(":memory:")
    kept.load_folder(folder)
    load_cube_only(cube_only, folder)
    return kept, cube_only


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample") / "sample"
    rows = write_sample(folder, customers=2000, seed=7)
    kept, cube_only = pair(folder)
    yield kept, cube_only, rows
    kept.close()
    cube_only.close()


@pytest.fixture(scope="module")
def kaplan(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("ka") / "department", KA_FILES)
    kept, cube_only = pair(folder)
    yield kept, cube_only
    kept.close()
    cube_only.close()


def assert_same_pnl(kept: Store, cube_only: Store, start, end, **filters) -> pd.DataFrame:
    """Both stores' per-customer tables and P&L for the period: the same to the cent."""
    a = kept.customer_base(start, end, **filters)
    b = cube_only.customer_base(start, end, **filters)
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_frame_equal(a.volumes, b.volumes)
    pd.testing.assert_series_equal(a.period_volume, b.period_volume)
    assert a.period_fraction == b.period_fraction
    assert a.warnings == b.warnings
    pnl_a, pnl_b = analyse_base(a).pnl, analyse_base(b).pnl
    assert pnl_a.index.tolist() == pnl_b.index.tolist()
    for column in MONEY:
        assert to_cents(pnl_a[column]).tolist() == to_cents(pnl_b[column]).tolist(), column
    assert pnl_a["quadrant"].tolist() == pnl_b["quadrant"].tolist()
    return pnl_b


def test_the_cube_only_store_holds_no_lines_but_counts_them(sample):
    kept, cube_only, rows = sample
    assert cube_only.table("transactions").empty and cube_only.table("activities").empty
    info = cube_only.info()
    assert info.lines_kept is False and kept.info().lines_kept is True
    # The dataset record still says how many lines and activity rows were loaded.
    assert info.rows == kept.info().rows
    assert info.rows["transactions"] == rows["transactions"] == 303_605
    assert (info.first_date, info.last_date) == (D(2022, 1, 1), D(2024, 12, 31))
    assert (info.first_date, info.last_date) == (kept.info().first_date,
                                                 kept.info().last_date)
    assert cube_only.customer_count() == kept.customer_count() == 2000
    assert cube_only.dimensions() == kept.dimensions()
    pd.testing.assert_frame_equal(cube_only.activity_sources(), kept.activity_sources())


@pytest.mark.parametrize("start, end", SAMPLE_PERIODS)
def test_sample_same_pnl_to_the_cent(sample, start, end):
    kept, cube_only, _ = sample
    pnl = assert_same_pnl(kept, cube_only, start, end)
    # And both add up to the invoice lines themselves (summed from the lines kept).
    lines = kept.line_totals(start, end)
    assert to_cents(pnl["net_revenue"]).sum() == to_cents(pd.Series([lines["net_revenue"]]))[0]
    assert to_cents(pnl["cogs"]).sum() == to_cents(pd.Series([lines["cogs"]]))[0]
    assert cube_only.line_totals(start, end) == lines


def test_sample_same_pnl_for_a_segment(sample):
    kept, cube_only, _ = sample
    segment = kept.dimensions()[0][0]
    assert_same_pnl(kept, cube_only, D(2023, 1, 1), D(2023, 12, 31), segments=[segment])


@pytest.mark.parametrize("start, end", [(None, None), (D(2023, 1, 1), D(2023, 12, 31))])
def test_sample_other_reads_the_same(sample, start, end):
    kept, cube_only, _ = sample
    for read in ("customer_years", "price_index"):
        a, b = getattr(kept, read)(start, end), getattr(cube_only, read)(start, end)
        (pd.testing.assert_frame_equal if isinstance(a, pd.DataFrame)
         else pd.testing.assert_series_equal)(a, b)
    pd.testing.assert_frame_equal(kept.order_sizes(250.0, start, end),
                                  cube_only.order_sizes(250.0, start, end))
    pd.testing.assert_series_equal(kept.first_purchase(), cube_only.first_purchase())
    customer = kept.customer_base(start, end).customers.index[17]
    a, b = kept.customer_history(customer, start, end), cube_only.customer_history(
        customer, start, end)
    pd.testing.assert_frame_equal(a.revenue, b.revenue)
    pd.testing.assert_frame_equal(a.volumes, b.volumes)
    assert not a.revenue.empty


def test_sample_partial_month_is_prorated_with_a_warning(sample):
    """15 March - 14 June 2024: March counts 17 of its 31 days and June 14 of 30 in the
    cube-only store; the whole months in between are the same in both stores."""
    kept, cube_only, _ = sample
    exact = kept.customer_base(D(2024, 3, 15), D(2024, 6, 14))
    prorated = cube_only.customer_base(D(2024, 3, 15), D(2024, 6, 14))
    warning = ("The store keeps monthly totals only: March 2024 is counted as 17 of its 31 "
               "days (54.8 %) and June 2024 is counted as 14 of its 30 days (46.7 %), "
               "prorated.")
    assert warning in prorated.warnings
    assert not any("monthly totals only" in w for w in exact.warnings)
    # Prorating moves each customer's figures, but not the April-May core: the totals
    # differ by less than the two edge months' revenue.
    whole = kept.line_totals(D(2024, 4, 1), D(2024, 5, 31))["net_revenue"]
    edges = (kept.line_totals(D(2024, 3, 1), D(2024, 3, 31))["net_revenue"]
             + kept.line_totals(D(2024, 6, 1), D(2024, 6, 30))["net_revenue"])
    total = prorated.customers["net_revenue"].sum()
    assert whole < total < whole + edges
    assert total != pytest.approx(exact.customers["net_revenue"].sum(), abs=0.005)
    # The cube-only total is the edge months weighted by their days, to the cent.
    expected = (whole + kept.line_totals(D(2024, 3, 1), D(2024, 3, 31))["net_revenue"] * 17 / 31
                + kept.line_totals(D(2024, 6, 1), D(2024, 6, 30))["net_revenue"] * 14 / 30)
    # Each customer-month is rounded to 0.0001 and each customer to the cent.
    assert total == pytest.approx(expected, abs=0.005 * len(prorated.customers))


@pytest.mark.parametrize("start, end", [
    (None, None), (D(2024, 1, 1), D(2024, 2, 29)), (D(2024, 2, 1), D(2024, 3, 31)),
])
def test_kaplan_anderson_same_pnl_to_the_cent(kaplan, start, end):
    kept, cube_only = kaplan
    pnl = assert_same_pnl(kept, cube_only, start, end)
    if start is None:
        # As published: Demanding's margin of 600 pays 944 to serve (2 orders x $32 + 5
        # complaints x $176): it loses $344; $462,880 assigned in all.
        assert pnl.loc["Demanding", "profit"] == -344.0
        assert pnl["cost_to_serve"].sum() == 462_880.0
    pd.testing.assert_frame_equal(kept.order_sizes(550.0, start, end),
                                  cube_only.order_sizes(550.0, start, end))
    pd.testing.assert_series_equal(kept.price_index(start, end),
                                   cube_only.price_index(start, end))


def test_kaplan_anderson_partial_month_prorated_by_hand(kaplan):
    """1 January - 14 February 2024 in the cube-only store: January whole, February 14
    of its 29 days. Demanding's February (two lines: 500.00 and -100.1234 net, 200 and -40
    COGS, 5 complaints) counts 14/29 of it:
    net 600.1234 + 399.8766 x 14/29 = 600.1234 + 193.0439 (to 0.0001) = 793.17;
    COGS 240 + 160 x 14/29 = 240 + 77.2414 = 317.24; lines 1 + round(2 x 14/29) = 2;
    complaints 5 x 14/29 = 2.4138, at 220 minutes x $0.80 = $176 each: 424.83, plus two
    orders at $32: cost to serve 488.83; profit 793.17 - 317.24 - 488.83 = -12.90.
    The lines-kept store reads February 1-14 exactly: no line there, no complaint (the
    complaints are dated 21 February)."""
    kept, cube_only = kaplan
    start, end = D(2024, 1, 1), D(2024, 2, 14)
    base = cube_only.customer_base(start, end)
    demanding = base.customers.loc["Demanding"]
    assert demanding["net_revenue"] == 793.17
    assert demanding["cogs"] == 317.24
    assert demanding["invoice_lines"] == 2
    assert base.volumes.loc["Demanding", "Complaint"] == pytest.approx(5 * 14 / 29)
    assert base.volumes.loc["Demanding", "Order"] == 2.0
    # Rest's complaints of 1 February count 14/29 too; its January is whole.
    assert base.volumes.loc["Rest", "Complaint"] == pytest.approx(275 * 14 / 29)
    assert base.customers.loc["Rest", "net_revenue"] == 480_000.00
    pnl = analyse_base(base).pnl
    assert pnl.loc["Demanding", "cost_to_serve"] == 488.83
    assert to_cents(pnl.loc[["Demanding"], "profit"]).tolist() == [-1290]
    assert ("The store keeps monthly totals only: February 2024 is counted as 14 of its 29 "
            "days (48.3 %), prorated.") in base.warnings
    exact = kept.customer_base(start, end)
    assert exact.customers.loc["Demanding", "net_revenue"] == 600.12
    assert exact.volumes.loc["Demanding", "Complaint"] == 0.0
    assert not any("monthly totals only" in w for w in exact.warnings)
    # The reconciliation's totals are the same prorated months.
    totals = cube_only.line_totals(start, end)
    assert totals["net_revenue"] == pytest.approx(
        base.customers["net_revenue"].sum(), abs=0.01)
    assert totals["invoice_lines"] == int(base.customers["invoice_lines"].sum())


def test_rate_card_check_reads_the_cube(kaplan):
    """An edited rate card must keep a rate for every activity with rows: a cube-only
    store has no activity rows, so the check reads the activity-month cube (and counts
    customers)."""
    kept, cube_only = kaplan
    rates, resources = cube_only.rate_card()
    without = rates[rates["activity"] != "Complaint"]
    for store, count in ((kept, "2 rows"), (cube_only, "2 customers")):
        with pytest.raises(DatasetError) as caught:
            store.replace_rate_card(without, resources)
        assert [p.message for p in caught.value.problems] == [
            f'activity "Complaint" is used in the activity data ({count}) and needs a rate']
    # A change that keeps every activity's rate is saved; the lines stay absent.
    version = cube_only.replace_rate_card(rates.assign(unit_time=rates["unit_time"] * 2),
                                          resources)
    assert cube_only.version == version
    assert cube_only.info().lines_kept is False
    assert cube_only.table("activities").empty
    pnl = analyse_base(cube_only.customer_base()).pnl
    # Twice the minutes at the same cost per minute: twice the $462,880.
    assert to_cents(pnl["cost_to_serve"]).sum() == 2 * 46_288_000
    cube_only.replace_rate_card(rates, resources)  # as the other tests expect it


def test_a_store_without_the_line_tables_reads_the_cube(kaplan, tmp_path):
    """The Spark engine's stores may not have ``transactions`` and ``activities`` at all:
    the P&L, the totals and the rate card check read the cube alone."""
    kept, _ = kaplan
    folder = write_folder(tmp_path / "department", KA_FILES)
    store = Store(":memory:")
    try:
        load_cube_only(store, folder)
        with store.cursor() as cur:
            cur.execute("DROP TABLE transactions")
            cur.execute("DROP TABLE activities")
        assert_same_pnl(kept, store, None, None)
        assert store.line_totals() == kept.line_totals()
        rates, resources = store.rate_card()
        with pytest.raises(DatasetError, match=r'"Order" is used in the activity data '
                                               r"\(3 customers\)"):
            store.replace_rate_card(rates[rates["activity"] != "Order"], resources)
    finally:
        store.close()
