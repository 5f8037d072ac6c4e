"""The period comparison on the pages (AppTest on the sample): the sidebar's "Compare
with" control from the URL, the Overview's bridge, lists and changes on the cards, the
Customers page's quadrant migration, and a comparison period without data."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from analytics.analysis import analyse_base
from analytics.compare import compare_periods
from analytics.metrics import format_money_short
from analytics.selection import Selection
from data import Store
from tests.page_text import as_read

Y2023 = Selection(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y2024 = Selection(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def open_app(page=None, **params) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    if page:
        app.switch_page(page)
    app.run()
    assert not app.exception
    return app


def clean(text: str) -> str:
    return as_read(text).replace("**", "")


@pytest.fixture(scope="module")
def expected(sample_db):
    store = Store(sample_db)
    try:
        pnls = [analyse_base(store.customer_base(**s.store_args()), s).pnl
                for s in (Y2023, Y2024)]
    finally:
        store.close()
    return compare_periods(*pnls)


def test_overview_shows_the_change_since_the_previous_period(app_env, expected):
    app = open_app(start="2024-01-01", end="2024-12-31", compare="previous")
    assert app.sidebar.selectbox(key="f_compare").value == "previous"
    assert "Compared with 2023-01-01 to 2023-12-31." in [c.value for c in app.sidebar.caption]
    assert "What changed since 2023" in [h.value for h in app.subheader]
    text = " ".join(clean(m.value) for m in app.markdown)
    b = expected.bridge
    assert (f"from {format_money_short(b['profit_base'])} in 2023 to "
            f"{format_money_short(b['profit_current'])} in 2024") in text
    # The cards carry the change: operating profit's delta is the bridge's change.
    cards = {m.label: m for m in app.metric}
    change = format_money_short(expected.profit_change)
    assert change.lstrip("$") in cards["Operating profit"].delta
    counts = expected.counts()
    assert f"Customers won (the first 10 of {counts['new']:,})" in text
    assert f"Customers lost (the first 10 of {counts['lost']:,})" in text


def test_customers_page_shows_the_quadrant_migration(app_env, expected):
    app = open_app("pages/customers.py", start="2024-01-01", end="2024-12-31",
                   compare="previous")
    assert "Quadrant migration since 2023" in [h.value for h in app.subheader]
    table = app.table[0].value
    matrix = expected.migration()
    assert int(table.loc["Passive", "Carriage trade"]) == int(
        matrix.loc["passive", "carriage_trade"])
    assert int(table.loc["New"].sum()) == expected.counts()["new"]


def test_same_period_last_year_and_a_custom_period(app_env):
    app = open_app(start="2024-01-01", end="2024-06-30", compare="last_year")
    assert "Compared with 2023-01-01 to 2023-06-30." in [c.value for c in app.sidebar.caption]
    app = open_app(start="2024-01-01", end="2024-12-31", compare="custom",
                   compare_start="2022-01-01", compare_end="2022-12-31")
    assert app.sidebar.date_input(key="f_compare_period").value == (
        dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert "What changed since 2022" in [h.value for h in app.subheader]


def test_a_comparison_period_without_data_says_so(app_env):
    app = open_app(start="2022-01-01", end="2022-12-31", compare="previous")
    assert any("nothing to compare with" in c.value for c in app.sidebar.caption)
    assert not [h for h in app.subheader if h.value.startswith("What changed")]


def test_no_comparison_by_default(app_env):
    app = open_app()
    assert app.sidebar.selectbox(key="f_compare").value == "none"
    assert not [h for h in app.subheader if h.value.startswith("What changed")]


def test_cost_page_shows_each_activity_in_both_periods(app_env, expected):
    app = open_app("pages/cost-to-serve.py", start="2024-01-01", end="2024-12-31",
                   compare="previous")
    assert "Cost to serve since 2023" in [h.value for h in app.subheader]
    costs = next(f.value for f in app.dataframe if "cost_change" in f.value.columns)
    kept = expected.customers
    # The activities' costs add up to each period's cost to serve, to the cent.
    assert round(costs["cost_base"].sum(), 2) == round(kept["cost_to_serve_base"].sum(), 2)
    assert round(costs["cost_current"].sum(), 2) == round(
        kept["cost_to_serve_current"].sum(), 2)
    assert (costs["cost_change"].abs().diff().dropna() <= 0).all()  # largest change first


def test_an_overlapping_or_outside_comparison_is_refused_in_words(app_env):
    # The whole span against the same span a year before: they share two years.
    app = open_app(compare="last_year")
    assert any("overlaps the period in view" in c.value for c in app.sidebar.caption)
    assert not [h for h in app.subheader if h.value.startswith("What changed")]
    # A custom period from a link, outside the data: said as it is, not clipped.
    app = open_app(start="2024-01-01", end="2024-12-31", compare="custom",
                   compare_start="2010-01-01", compare_end="2010-12-31")
    assert any(c.value.startswith("No data from 2010-01-01 to 2010-12-31")
               for c in app.sidebar.caption)
    # Running past the data's end is partly empty, and said so.
    app = open_app(start="2023-01-01", end="2023-12-31", compare="custom",
                   compare_start="2024-07-01", compare_end="2025-06-30")
    assert any("partly empty" in c.value for c in app.sidebar.caption)


def test_periods_of_different_lengths_are_said_to_differ(app_env):
    app = open_app(start="2024-01-01", end="2024-12-31", compare="custom",
                   compare_start="2023-01-01", compare_end="2023-06-30")
    assert "What changed against 2023-01-01 to 2023-06-30" in [h.value for h in app.subheader]
    assert any("The periods differ in length (181 and 366 days)" in w.value
               for w in app.warning)
    text = " ".join(clean(m.value) for m in app.markdown)
    assert "(2023-01-01 to 2023-06-30) to" in text and "in 2024" in text
