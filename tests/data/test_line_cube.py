"""The report's store: the cube as views over the lines (``data.line_cube``) gives the
customer table the built cube gives, for every period, to the cent (issue 13 item 7)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from data import Store, cube
from data.sample import write_sample

from .conftest import write_dataset

D = dt.date
PERIODS = [
    (None, None),
    (D(2023, 1, 1), D(2023, 12, 31)),  # whole months only
    (D(2023, 2, 15), D(2023, 9, 10)),  # a partial month at each end
    (None, D(2022, 3, 31)),
    (D(2024, 5, 3), None),
    (D(2023, 6, 10), D(2023, 6, 20)),  # inside one month
]


def _bases(folder, periods, *, views: bool, segments=None):
    store = Store(":memory:")
    store.cube_as_views = views
    try:
        store.load_folder(folder)
        return [store.customer_base(start, end, segments) for start, end in periods]
    finally:
        store.close()


def _same(built, viewed) -> None:
    pd.testing.assert_frame_equal(built.customers, viewed.customers)
    # Volumes and units are double sums (per month, then over the months, on the built
    # cube): equal to the last bits or nearly.
    pd.testing.assert_frame_equal(built.volumes, viewed.volumes, check_exact=False,
                                  rtol=1e-12)
    pd.testing.assert_series_equal(built.period_volume, viewed.period_volume,
                                   check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(built.rates, viewed.rates)
    assert (built.period_fraction, built.warnings) == (viewed.period_fraction,
                                                        viewed.warnings)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("line-cube") / "sample"
    write_sample(folder, customers=150, seed=5)
    return folder


def test_views_give_the_built_cubes_customer_table_for_every_period(sample):
    built = _bases(sample, PERIODS, views=False)
    viewed = _bases(sample, PERIODS, views=True)
    for period, b, v in zip(PERIODS, built, viewed, strict=True):
        assert len(b.customers), period
        _same(b, v)


def test_views_give_the_same_table_for_a_segment(sample):
    segment = Store(":memory:")
    try:
        segment.load_folder(sample)
        chosen = [segment.dimensions()[0][0]]
    finally:
        segment.close()
    period = [(D(2023, 2, 15), D(2023, 9, 10))]
    _same(_bases(sample, period, views=False, segments=chosen)[0],
          _bases(sample, period, views=True, segments=chosen)[0])


def test_orders_spanning_months_and_lines_are_counted_once(tmp_path):
    # Hand-computed: C1's order O1 has three lines over January and February, O2 one
    # line; C2's order O3 two lines in March. The views count distinct ids.
    folder = write_dataset(tmp_path / "ds", transactions=(
        "customer_id,date,order_id,net_revenue,list_revenue,cogs\n"
        "C1,2024-01-30,O1,100.005,110,60\n"
        "C1,2024-01-31,O1,0.01,0.01,0\n"
        "C1,2024-02-01,O1,-20,-20,-10\n"
        "C1,2024-02-10,O2,50,50,30\n"
        "C2,2024-03-01,O3,10,10,5\n"
        "C2,2024-03-02,O3,10,10,5\n"
        "C3,2024-06-30,,50,50,10\n"
    ))
    for views in (False, True):
        whole, february = _bases(folder, [(None, None), (D(2024, 2, 1), D(2024, 2, 29))],
                                 views=views)
        table = whole.customers
        assert table.loc["C1", "orders"] == 2
        assert table.loc["C1", "invoice_lines"] == 4
        assert table.loc["C1", "net_revenue"] == 130.02  # 130.015 rounded half away
        assert table.loc["C2", "orders"] == 1
        assert table.loc["C3", "orders"] == 0
        assert february.customers.loc["C1", "orders"] == 2
        assert february.customers.loc["C1", "net_revenue"] == 30.0


def test_the_store_builds_no_cube_table(sample, monkeypatch):
    def refuse(cur):
        raise AssertionError("the cube was built")

    monkeypatch.setattr(cube, "build", refuse)
    store = Store(":memory:")
    store.cube_as_views = True
    try:
        store.load_folder(sample)
        with store.cursor() as cur:
            kinds = dict(cur.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_name LIKE 'cube\\_%' ESCAPE '\\'").fetchall())
        assert {kinds[t] for t in cube.CUBE_TABLES} == {"VIEW"}
        assert store.customer_count() == 150
    finally:
        store.close()


def test_the_price_index_is_refused_not_wrong(sample):
    store = Store(":memory:")
    store.cube_as_views = True
    try:
        store.load_folder(sample)
        with pytest.raises(duckdb.Error, match="price index is not computed"):
            store.price_index()
    finally:
        store.close()
