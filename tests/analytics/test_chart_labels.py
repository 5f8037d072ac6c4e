"""Chart labels never clipped or overlapping (issue 12, item 7): the whale curve's peak
label points inward and has room above the curve, the quadrant map's threshold labels
keep clear of the corner names and of the map's edges, and amounts written on charts are
in thousands or millions with one decimal."""

import numpy as np
import pandas as pd

from analytics.charts import capacity_figure, quadrant_map_figure, whale_figure
from analytics.charts.common import signed_money
from analytics.quadrants import LABELS, Thresholds
from analytics.whale import whale_curve
from tests.analytics.test_charts_robustness import small_pnl


def _annotation(fig, start: str):
    return next(a for a in fig.layout.annotations if a.text.startswith(start))


def test_a_peak_at_every_customer_is_labelled_inward_with_room_above():
    """Every customer profitable: the peak (100 %) is at 100 % of customers, the right
    edge; its label used to run off it ("Peak 100% at 10")."""
    pnl = pd.DataFrame({"profit": [50.0, 30.0, 20.0], "net_revenue": [100.0] * 3},
                       index=pd.Index(["A", "B", "C"], name="customer_id"))
    fig = whale_figure(whale_curve(pnl))
    peak = _annotation(fig, "Peak 100% at 100% of customers")
    assert peak.xanchor == "right" and peak.ax < 0  # drawn to the left of the point
    low, high = fig.layout.yaxis.range
    assert high >= 300 * 1.15 and low < 0  # the typical band (300 %) and the label fit
    assert _annotation(fig, "100 % of profit").x == 0.5  # not where both curves end


def test_an_early_peak_is_labelled_to_the_right():
    pnl = pd.DataFrame({"profit": [100.0] + [-1.0] * 19, "net_revenue": [100.0] * 20},
                       index=pd.Index([f"C{i:02d}" for i in range(20)], name="customer_id"))
    peak = _annotation(whale_figure(whale_curve(pnl)), "Peak")
    assert peak.x == 5.0 and peak.xanchor == "left" and peak.ax > 0


def spread_pnl() -> pd.DataFrame:
    """21 customers, net margin 0-40 % and cost to serve 0-40 % of net revenue."""
    steps = np.linspace(0.0, 40.0, 21)
    pnl = pd.DataFrame({"net_revenue": 1000.0, "net_margin_pct": steps,
                        "cost_to_serve_pct": steps[::-1]},
                       index=pd.Index([f"C{i:02d}" for i in range(21)], name="customer_id"))
    pnl["cost_to_serve"] = pnl["net_revenue"] * pnl["cost_to_serve_pct"] / 100
    pnl["profit"] = pnl["net_revenue"] * pnl["net_margin_pct"] / 100 - pnl["cost_to_serve"]
    return pnl


def test_a_threshold_near_the_top_moves_clear_of_the_corner_name():
    pnl = spread_pnl()
    top = quadrant_map_figure(pnl, Thresholds(39.0, 20.0))
    label = _annotation(top, "net margin")
    assert label.xshift == -130  # left of "Carriage trade" in the top-right corner
    middle = quadrant_map_figure(pnl, Thresholds(25.0, 20.0))
    assert _annotation(middle, "net margin").xshift == 0
    assert _annotation(middle, "cost to serve").xanchor == "center"
    edge = quadrant_map_figure(pnl, Thresholds(25.0, 39.0))
    assert _annotation(edge, "cost to serve").xanchor == "right"


def test_quadrant_names_are_written_one_way():
    fig = quadrant_map_figure(small_pnl(), Thresholds(25.0, 20.0))
    corners = {a.text for a in fig.layout.annotations if a.text.startswith("<b>")}
    assert corners == {f"<b>{name}</b>" for name in LABELS.values()}
    assert LABELS["carriage_trade"] == "Carriage trade"


def test_amounts_on_charts_are_short():
    assert [signed_money(v, "$") for v in (-1_234_567, 812_449, 950, 30_604_896.97)] == [
        "-$1.2M", "$812.4k", "$950", "$30.6M"]
    fig = capacity_figure(pd.DataFrame({"resource": ["Logistics", "Sales"],
                                        "used_pct": [84.7, 100.0],
                                        "unused_cost": [766_240.38, 0.0]}), "$")
    assert list(fig.data[1].text) == ["", "unused $766.2k"]  # drawn bottom-up
    assert list(fig.data[1].customdata) == ["$0", "$766,240"]  # the exact amount on hover
    assert np.isfinite(fig.data[1].x).all()
