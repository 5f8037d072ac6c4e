"""Tables as a finance team reads them (issue 12, item 7): the identifying column pinned
and operating profit before the details, totals in whole units, no "None" in a cell."""

import json

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from pages.ui.widgets import blank_text, customer_table_columns, number_text, whole_units


def test_whole_units_round_half_away_from_zero_from_the_cent():
    frame = pd.DataFrame({"profit": [30_604_896.97, -938_780.50, 0.5, -0.49, np.nan],
                          "name": ["a", "b", "c", "d", "e"]})
    out = whole_units(frame, "profit", "missing")
    assert out["profit"].tolist()[:4] == [30_604_897.0, -938_781.0, 1.0, 0.0]
    assert np.isnan(out["profit"].iloc[4])
    assert frame["profit"].iloc[0] == 30_604_896.97  # the download keeps the cents


def test_missing_text_is_empty_and_numbers_stay():
    frame = pd.DataFrame({"name": ["Acme", None], "segment": pd.Series([pd.NA, "B"],
                                                                         dtype="string"),
                          "profit": [1.5, np.nan]})
    out = blank_text(frame)
    assert out["name"].tolist() == ["Acme", ""] and out["segment"].tolist() == ["", "B"]
    assert out["profit"].iloc[0] == 1.5 and np.isnan(out["profit"].iloc[1])
    full = pd.DataFrame({"name": ["Acme"]})
    assert blank_text(full) is full


def test_customer_table_order_puts_profit_after_the_name():
    columns = customer_table_columns()
    assert list(columns)[:4] == ["customer_id", "name", "profit", "net_revenue"]
    assert columns["customer_id"]["pinned"] is True


def _configs(app, needle: str) -> dict:
    frames = [d for d in app.dataframe if needle in d.value.columns]
    assert frames, needle
    return json.loads(frames[0].proto.columns), list(frames[0].proto.column_order)


def test_the_customers_table_shows_profit_before_the_details(app_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    app.switch_page("pages/customers.py").run()
    assert not app.exception
    config, order = _configs(app, "robustness")
    assert order[:4] == ["customer_id", "name", "profit", "net_revenue"]
    assert config["customer_id"]["pinned"] is True
    table = next(d.value for d in app.dataframe if "robustness" in d.value.columns)
    assert not table.isna().any().any()


def test_the_overview_tables_pin_the_customer_and_show_totals_in_whole_units(app_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    assert not app.exception
    config, order = _configs(app, "unprofitable")  # profit by segment
    assert order[:3] == ["segment", "customers", "profit"]
    assert config["segment"]["pinned"] is True
    segments = next(d.value for d in app.dataframe if "unprofitable" in d.value.columns)
    assert (segments["profit"] == segments["profit"].round(0)).all()
    config, order = _configs(app, "profit_pct")
    assert config["customer_id"]["pinned"] is True and order[2] == "profit"


def test_number_text_dashes_what_does_not_apply():
    assert number_text(pd.Series([1234.5, np.nan, None], dtype=object), "${:,.2f}") == [
        "$1,234.50", "–", "–"]


def test_the_rates_in_use_have_no_empty_cell(app_env):
    """The sample's two direct-cost activities have no resource, unit time or capacity
    rate: they read "(direct cost)" and "–", not None."""
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    app.switch_page("pages/cost-to-serve.py").run()
    assert not app.exception
    rates = next(d.value for d in app.dataframe if "capacity_cost_rate" in d.value.columns
                 and "unit_time" in d.value.columns)
    assert not rates.isna().any().any()
    direct = rates[rates["resource"] == "(direct cost)"]
    assert len(direct) == 2 and set(direct["unit_time"]) == {"–"}
