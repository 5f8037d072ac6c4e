"""AppTest of the robust rankings: the rate uncertainty on the Customers page (rings on
the map, the table's column, the URL) and the Overview's sentence under the same value."""

import base64
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics.robustness import classify_robustness, robustness_counts
from tests.conftest import app_on, charts, store_with
from tests.test_customers_page import TINY

CUSTOMERS, OVERVIEW = "pages/customers.py", "pages/overview.py"
RING = "Ringed: sensitive"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> Path:
    return store_with(tmp_path_factory.mktemp("tiny_robust") / "tiny.duckdb", TINY)


@pytest.fixture
def tiny_env(tiny_db, monkeypatch):
    with app_on(tiny_db, monkeypatch):
        yield tiny_db


def open_page(page: str = CUSTOMERS, **params: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    if page != OVERVIEW:
        app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    return app


def uncertainty_input(app: AppTest):
    return next(n for n in app.number_input if n.label == "Rate uncertainty (± %)")


def points(values) -> int:
    """How many values a figure's array holds (plotly sends numeric arrays as base64)."""
    if isinstance(values, dict):
        return len(base64.b64decode(values["bdata"])) // np.dtype(values["dtype"]).itemsize
    return len(values)


def rings(app: AppTest) -> list[dict]:
    figure = charts(app)[0]["figure"]
    return [t for t in figure["data"] if t.get("name", "").startswith(RING)]


def robustness_column(app: AppTest) -> dict:
    table = app.dataframe[1].value
    return dict(zip(table["customer_id"], table["robustness"], strict=True))


def overview_sentence(app: AppTest) -> str:
    return next((i.value for i in app.info if "loss-making" in i.value), "")


# The tiny store, by hand: customer service costs 1600 for 2000 minutes, $0.80 a minute,
# so an order (40 min) costs $32 and a complaint (220 min) $176.
#   C1: 1500 - 900 - (2 x 32 + 176) = 360, at +10 %: 336        -> robust profitable
#   C2: 200 - 150 - 2 x 32 = -14, at -10 %: -7.60; at -25 %: +2  -> robust unprofitable
#                                                                  at 10 %, sensitive at 25 %
#   C3: 300 - 100 = 200, no activity                            -> robust profitable
#   C4: -20 + 15 - 176 = -181 (not on the map: no net revenue)  -> robust unprofitable


def test_customers_page_marks_sensitive_customers_by_hand(tiny_env):
    app = open_page()
    assert uncertainty_input(app).value == 10.0  # the default
    assert robustness_column(app) == {"C1": "Robust profitable", "C2": "Robust unprofitable",
                                      "C3": "Robust profitable", "C4": "Robust unprofitable"}
    assert [points(t["x"]) for t in rings(app)] == [0]  # the legend entry, no ring
    assert any("No customer is sensitive: rates off by up to ±10%" in c.value
               for c in app.caption)
    uncertainty_input(app).set_value(25.0).run()
    assert not app.exception
    assert robustness_column(app)["C2"] == "Sensitive"
    (ring,) = rings(app)
    assert points(ring["x"]) == 1 and ring["hoverinfo"] == "skip"
    assert ring["name"] == ("Ringed: sensitive, profit or loss can flip if rates are off by "
                            "up to ±25%")
    assert any("A dark ring marks the 1 sensitive customer: rates off by up to ±25%" in c.value
               for c in app.caption)
    assert app.query_params["uncertainty"] == "25"
    # The Overview says the same under the same value: one of the two loss-makers (C4).
    app.switch_page(OVERVIEW).run()
    assert not app.exception
    assert overview_sentence(app).startswith(
        "1 of the 2 loss-making customers loses money even with every activity rate 25% "
        "lower (or any mix of rate errors within ±25%); the other 1 could break even if the "
        "rates are overstated.")


def test_zero_turns_the_check_off_on_both_pages(tiny_env):
    app = open_page(uncertainty="0")
    assert uncertainty_input(app).value == 0.0
    assert "robustness" not in app.dataframe[1].value.columns
    assert rings(app) == []
    assert not any("sensitive" in c.value for c in app.caption)
    app.switch_page(OVERVIEW).run()
    assert overview_sentence(app) == ""
    assert any("rate-uncertainty check is off" in c.value for c in app.caption)


def test_the_default_is_not_written_to_the_url(tiny_env):
    app = open_page()
    assert "uncertainty" not in app.query_params
    uncertainty_input(app).set_value(5.0).run()
    assert app.query_params["uncertainty"] == "5"


def test_sample_counts_agree_with_the_analytics(app_env):
    from pages.ui.state import Selection, analysis

    app = open_page()
    pnl = analysis(Selection()).pnl
    classes = classify_robustness(pnl, 10)
    counts = robustness_counts(classes, pnl["profit"])
    column = app.dataframe[1].value["robustness"].value_counts()
    assert column["Sensitive"] == counts["sensitive"] > 0
    assert column["Robust unprofitable"] == counts["robust_unprofitable"]
    (ring,) = rings(app)
    on_map = (classes == "sensitive") & (pnl["net_revenue"] > 0)
    assert points(ring["x"]) == int(on_map.sum())
    overview = open_page(OVERVIEW)
    assert overview_sentence(overview).startswith(
        f"{counts['robust_unprofitable']:,} of the {counts['unprofitable']:,} loss-making "
        "customers lose money even with every activity rate 10% lower")
