"""One customer up close: known answers on tiny hand-made tables, and the figures."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.charts import (
    customer_waterfall_figure,
    monthly_figure,
    quadrant_map_extent,
    quadrant_map_figure,
    usage_figure,
)
from analytics.customer_detail import (
    OTHER_ACTIVITIES,
    monthly_pnl,
    top_cost_drivers,
    usage_vs_median,
    waterfall_steps,
)
from analytics.quadrants import Thresholds

RATES = pd.DataFrame({"activity": ["Order", "Change", "Visit"], "rate": [32.0, 50.0, 500.0]})


def pnl_row(**cts: float) -> pd.Series:
    costs = {f"cts_{k}": v for k, v in cts.items()}
    cost_to_serve = math.fsum(costs.values())
    return pd.Series({"list_revenue": 1000.0, "discounts": 100.0, "net_revenue": 900.0,
                      "cogs": 600.0, "net_margin": 300.0, **costs,
                      "cost_to_serve": cost_to_serve, "profit": 300.0 - cost_to_serve})


# --- waterfall ---------------------------------------------------------------------------

def test_waterfall_known_answer():
    steps = waterfall_steps(pnl_row(Order=64.0, Change=150.0, Visit=0.0))
    assert steps.to_dict("list") == {
        "step": ["List revenue", "Discounts", "Net revenue", "COGS", "Net margin", "Change",
                 "Order", "Operating profit"],
        "measure": ["absolute", "relative", "total", "relative", "total", "relative",
                    "relative", "total"],
        "kind": ["revenue", "discount", "subtotal", "cogs", "subtotal", "activity",
                 "activity", "subtotal"],
        "amount": [1000.0, -100.0, 900.0, -600.0, 300.0, -150.0, -64.0, 86.0],
    }


def test_waterfall_steps_add_up_exactly_to_profit():
    row = pd.Series({"list_revenue": 100.10, "discounts": 0.20, "cogs": 33.33,
                     "cts_A": 11.11, "cts_B": 22.22, "cts_C": 0.07, "profit": 33.17})
    steps = waterfall_steps(row, min_share=0.0)
    moves = steps.loc[steps["measure"] != "total", "amount"]
    assert round(math.fsum(moves), 2) == 33.17
    assert steps["amount"].iloc[-1] == 33.17
    # Every subtotal is the exact sum of the steps before it.
    running = 0.0
    for measure, amount in zip(steps["measure"], steps["amount"], strict=True):
        if measure == "total":
            assert amount == round(running, 2)
        else:
            running = round(running + amount, 2)


def test_waterfall_groups_small_activities_as_other():
    steps = waterfall_steps(pnl_row(Big=200.0, Tiny=1.0, Small=2.0, Mid=50.0))
    assert steps["step"].tolist()[5:] == ["Big", "Mid", OTHER_ACTIVITIES, "Operating profit"]
    assert steps.loc[steps["step"] == OTHER_ACTIVITIES, "amount"].item() == -3.0
    assert steps["amount"].iloc[-1] == 300.0 - 253.0


def test_waterfall_keeps_a_single_small_activity_by_name():
    steps = waterfall_steps(pnl_row(Big=200.0, Tiny=1.0))
    assert "Tiny" in steps["step"].tolist()
    assert OTHER_ACTIVITIES not in steps["step"].tolist()


def test_waterfall_caps_named_activities():
    costs = {f"A{i}": 10.0 + i for i in range(6)}
    steps = waterfall_steps(pnl_row(**costs), max_activities=3)
    activities = steps.loc[steps["kind"] == "activity", "step"].tolist()
    assert activities == ["A5", "A4", "A3", OTHER_ACTIVITIES]
    assert steps.loc[steps["step"] == OTHER_ACTIVITIES, "amount"].item() == -(10 + 11 + 12)


def test_waterfall_without_activity_goes_from_margin_to_profit():
    steps = waterfall_steps(pnl_row())
    assert steps["step"].tolist()[-2:] == ["Net margin", "Operating profit"]
    assert steps["amount"].iloc[-1] == 300.0


def test_waterfall_requires_the_revenue_lines():
    with pytest.raises(KeyError, match="cogs"):
        waterfall_steps(pd.Series({"list_revenue": 1.0, "discounts": 0.0}))


# --- usage against the median --------------------------------------------------------------

VOLUMES = pd.DataFrame(
    {"Order": [10.0, 20.0, 30.0, 100.0], "Change": [0.0, 0.0, 1.0, 40.0],
     "Visit": [0.0, 0.0, 0.0, 0.0]},
    index=pd.Index(["A", "B", "C", "K"], name="customer_id"),
)


def test_usage_vs_median_known_answer():
    usage = usage_vs_median(VOLUMES, "K", RATES)
    assert usage.index.tolist() == ["Order", "Change"]  # by excess cost; nobody visits
    change, order = usage.loc["Change"], usage.loc["Order"]
    assert order["quantity"] == 100.0
    assert order["median"] == 25.0  # median of 10, 20, 30, 100
    assert order["multiple"] == 4.0
    assert order["percentile"] == 75.0  # uses more than 3 of 4 customers
    assert order["cost"] == 3200.0 and order["median_cost"] == 800.0
    assert order["excess_cost"] == 2400.0
    assert change["median"] == 0.5 and change["multiple"] == 80.0
    assert change["excess_cost"] == 40 * 50.0 - 0.5 * 50.0
    # Sorted by excess cost, largest first.
    assert usage["excess_cost"].is_monotonic_decreasing


def test_usage_multiple_is_nan_when_the_median_customer_uses_none():
    volumes = pd.DataFrame({"Visit": [0.0, 0.0, 3.0]}, index=["A", "B", "C"])
    usage = usage_vs_median(volumes, "C", RATES)
    assert usage.loc["Visit", "median"] == 0.0
    assert np.isnan(usage.loc["Visit", "multiple"])
    assert usage.loc["Visit", "excess_cost"] == 1500.0


def test_usage_of_a_customer_without_activity():
    usage = usage_vs_median(VOLUMES, "A", RATES)
    assert (usage.loc["Order", "quantity"], usage.loc["Order", "percentile"]) == (10.0, 0.0)
    assert usage.loc["Change", "quantity"] == 0.0
    quiet = usage_vs_median(VOLUMES.assign(Order=[0.0, 0.0, 0.0, 5.0]), "A", RATES)
    assert quiet.empty or not (quiet["quantity"] > 0).any()


def test_usage_without_rates_costs_nothing_and_unknown_customer_fails():
    usage = usage_vs_median(VOLUMES, "K")
    assert (usage["cost"] == 0).all()
    with pytest.raises(KeyError, match="Z"):
        usage_vs_median(VOLUMES, "Z", RATES)


def test_top_cost_drivers_keeps_only_costs_above_the_median():
    usage = usage_vs_median(VOLUMES, "K", RATES)
    assert top_cost_drivers(usage).index.tolist() == ["Order", "Change"]
    assert top_cost_drivers(usage, n=1).index.tolist() == ["Order"]
    assert top_cost_drivers(usage_vs_median(VOLUMES, "A", RATES)).empty


# --- months ---------------------------------------------------------------------------------

def test_monthly_pnl_known_answer():
    revenue = pd.DataFrame(
        {"net_revenue": [1000.0, 400.0], "cogs": [600.0, 300.0]},
        index=pd.to_datetime(["2024-01-01", "2024-03-01"]),
    )
    volumes = pd.DataFrame({"Order": [2.0, 1.0], "Visit": [0.0, 1.0]},
                           index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    monthly = monthly_pnl(revenue, volumes, RATES)
    assert monthly.index.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert monthly["net_revenue"].tolist() == [1000.0, 0.0, 400.0]
    assert monthly["cost_to_serve"].tolist() == [64.0, 532.0, 0.0]
    assert monthly["profit"].tolist() == [336.0, -532.0, 100.0]
    assert (monthly["net_margin"] == monthly["net_revenue"] - monthly["cogs"]).all()


def test_monthly_pnl_spans_the_period_and_ignores_unpriced_activity():
    revenue = pd.DataFrame({"net_revenue": [50.0], "cogs": [20.0]},
                           index=pd.to_datetime(["2024-02-01"]))
    volumes = pd.DataFrame({"Mystery": [9.0]}, index=pd.to_datetime(["2024-02-01"]))
    monthly = monthly_pnl(revenue, volumes, RATES, start="2024-01-15", end="2024-04-30")
    assert len(monthly) == 4
    assert monthly["profit"].tolist() == [0.0, 30.0, 0.0, 0.0]


def test_monthly_pnl_of_nothing_is_empty():
    empty = pd.DataFrame({"net_revenue": [], "cogs": []}, index=pd.DatetimeIndex([]))
    assert monthly_pnl(empty, pd.DataFrame(index=pd.DatetimeIndex([])), RATES).empty


# --- figures --------------------------------------------------------------------------------

def map_pnl(n: int, names: list[str] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    revenue = rng.uniform(1_000, 100_000, n)
    margin_pct = rng.uniform(5, 45, n)
    cts_pct = rng.uniform(0, 60, n)
    frame = pd.DataFrame(
        {"net_revenue": revenue, "net_margin_pct": margin_pct, "cost_to_serve_pct": cts_pct,
         "profit": revenue * (margin_pct - cts_pct) / 100},
        index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"),
    )
    if names is not None:
        frame["name"] = names
    return frame


def test_quadrant_map_escapes_labels_and_carries_ids():
    pnl = map_pnl(3, ["<b>Acme</b>", "Bolt", None])
    fig = quadrant_map_figure(pnl, Thresholds(25.0, 30.0), selected="C0")
    main = fig.data[0]
    assert isinstance(main, go.Scatter)
    assert sorted(row[0] for row in main.customdata) == ["C0", "C1", "C2"]
    assert "C0 · &lt;b&gt;Acme&lt;/b&gt;" in list(main.text)
    assert "<b>Acme" not in str(fig.to_plotly_json())
    names = {a.text for a in fig.layout.annotations}
    assert {"<b>Passive</b>", "<b>Carriage trade</b>", "<b>Bargain basement</b>",
            "<b>Aggressive</b>"} <= names
    assert any("Break-even" in a.text for a in fig.layout.annotations)


def test_quadrant_map_uses_webgl_above_2000_points_and_pins_outliers():
    pnl = map_pnl(2500)
    pnl.loc["C0", "cost_to_serve_pct"] = 5000.0
    pnl.loc["C1", "net_revenue"] = -10.0
    extent = quadrant_map_extent(pnl, Thresholds(25.0, 30.0, "median"))
    assert extent.unplaced == 1 and extent.placed == 2499
    assert extent.pinned >= 1 and extent.x_range[1] < 100
    fig = quadrant_map_figure(pnl, Thresholds(25.0, 30.0), extent=extent)
    customers, beyond = fig.data[0], fig.data[1]
    assert isinstance(customers, go.Scattergl) and isinstance(beyond, go.Scattergl)
    assert len(customers.customdata) + len(beyond.customdata) == 2499
    assert len(beyond.customdata) == extent.pinned
    assert "C0" in {row[0] for row in beyond.customdata}
    assert set(beyond.marker.symbol) <= {"triangle-up", "triangle-down", "triangle-left",
                                         "triangle-right"}
    assert max(max(customers.x), max(beyond.x)) <= extent.x_range[1]


def test_detail_figures_build():
    steps = waterfall_steps(pnl_row(**{"<i>Order</i>": 64.0}))
    waterfall = customer_waterfall_figure(steps, "€")
    assert "&lt;i&gt;Order&lt;/i&gt;" in list(waterfall.data[0].y)
    usage = usage_vs_median(VOLUMES, "K", RATES)
    assert len(usage_figure(usage).data) == 2
    monthly = monthly_pnl(
        pd.DataFrame({"net_revenue": [10.0], "cogs": [5.0]},
                     index=pd.to_datetime(["2024-01-01"])),
        pd.DataFrame(index=pd.to_datetime(["2024-01-01"])), RATES)
    assert len(monthly_figure(monthly).data) == 3  # profit, loss, revenue


# -- the detail's sentences -------------------------------------------------------------


def test_position_sentence_above_below_and_without_revenue():
    from analytics.customer_detail import position_sentence

    row = pd.Series({"net_revenue": 100.0, "net_margin_pct": 30.0, "cost_to_serve_pct": 40.0})
    assert position_sentence(row) == (
        "Net margin 30.0% and cost to serve 40.0% of net revenue, below break-even: its "
        "cost to serve exceeds its margin.")
    assert "above break-even" in position_sentence(row.replace(40.0, 30.0))
    assert position_sentence(row.replace(100.0, 0.0)).startswith("No positive net revenue")


def test_driver_sentence_plain_and_markdown():
    from analytics.customer_detail import driver_sentence, revenue_multiple

    usage = pd.DataFrame({"quantity": [30.0, 4.0], "multiple": [3.0, np.inf],
                          "excess_cost": [640.0, 200.0]}, index=pd.Index(["Order", "Vis*t"]))
    plain = driver_sentence(usage, 2.0, "$")
    assert plain == ("Top cost drivers, against the median customer: Order (30, 3.0× the "
                     "median) costs $640 more; Vis*t (4, the median customer has none) costs "
                     "$200 more. For scale: its net revenue is 2.0× the median customer's.")
    marked = driver_sentence(usage, None, "$", escape=lambda s: s.replace("*", "\\*"))
    assert "**Vis\\*t**" in marked and "For scale" not in marked
    assert driver_sentence(usage.iloc[:0], 1.0) == (
        "It uses no activity more than the median customer does.")
    revenue = pd.Series([10.0, 20.0, 40.0], index=["a", "b", "c"])
    assert revenue_multiple(revenue, "c") == 2.0
    assert revenue_multiple(revenue * 0, "c") is None


def test_monthly_note_counts_undated_cost():
    from analytics.customer_detail import monthly_note

    monthly = pd.DataFrame({"cost_to_serve": [10.0, 20.0]})
    assert monthly_note(1030.0, monthly, "$").endswith(
        " $1,000 of its cost to serve comes from activity without a date, which is not in "
        "this monthly view.")
    assert monthly_note(30.4, monthly).endswith("Activity without a date would not be in "
                                                "this view.")
