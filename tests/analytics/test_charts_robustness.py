"""The quadrant map's rings around sensitive customers (analytics.charts.robustness)."""

import numpy as np
import pandas as pd

from analytics.charts import quadrant_map_figure
from analytics.quadrants import Thresholds
from analytics.robustness import SENSITIVE, classify_robustness


def small_pnl() -> pd.DataFrame:
    """Four customers on the map, one far off it (pinned), one with no net revenue."""
    pnl = pd.DataFrame(
        {"name": ["<b>Acme</b>", "Bolt", "Cray", "Dyne", "Edge", "Void"],
         "net_revenue": [1000.0, 800.0, 500.0, 300.0, 400.0, 0.0],
         "net_margin_pct": [40.0, 30.0, 20.0, 10.0, 900.0, np.nan],
         "cost_to_serve_pct": [10.0, 29.0, 21.0, 30.0, 20.0, np.nan],
         "cost_to_serve": [100.0, 232.0, 105.0, 90.0, 80.0, 50.0]},
        index=pd.Index(["A", "B", "C", "D", "E", "V"], name="customer_id"))
    margin = pnl["net_revenue"] * pnl["net_margin_pct"].fillna(0) / 100
    pnl["profit"] = margin - pnl["cost_to_serve"]
    return pnl


LIMITS = Thresholds(25.0, 20.0)


def test_without_flags_no_ring_and_no_legend():
    figure = quadrant_map_figure(small_pnl(), LIMITS)
    assert [t.name for t in figure.data] == ["Customers", "Beyond the axes"]
    assert not any(t.showlegend for t in figure.data)


def test_sensitive_customers_are_ringed_over_their_bubbles():
    pnl = small_pnl()
    # profits: A 300, B 8, C -5, D -60, E 3520, V -50; at ±10 %: B (8 - 23.2) and
    # C (-5 + 10.5) flip, the others do not.
    classes = classify_robustness(pnl, 10)
    assert classes[classes == SENSITIVE].index.tolist() == ["B", "C"]
    figure = quadrant_map_figure(pnl, LIMITS, sensitive=classes == SENSITIVE,
                                 uncertainty_pct=10)
    customers = next(t for t in figure.data if t.name == "Customers")
    (ring,) = [t for t in figure.data if t.name.startswith("Ringed")]
    assert ring.showlegend and ring.hoverinfo == "skip"
    assert ring.name == ("Ringed: sensitive, profit or loss can flip if rates are off by up "
                         "to ±10%")
    assert list(ring.marker.symbol) == ["circle-open", "circle-open"]
    # each ring sits on its customer's bubble, at the same size
    where = {c[0]: (x, y, s) for c, x, y, s in zip(customers.customdata, customers.x,
                                                   customers.y, customers.marker.size,
                                                   strict=True)}
    assert sorted(zip(ring.x, ring.y, ring.marker.size, strict=True)) == sorted(
        [where["B"], where["C"]])
    assert ring.marker.sizeref == customers.marker.sizeref
    # the hover label says it, and names stay escaped
    text = dict(zip((c[0] for c in customers.customdata), customers.text, strict=True))
    assert text["B"].endswith("<br><i>Sensitive to ±10% rate errors</i>")
    assert text["A"] == "A · &lt;b&gt;Acme&lt;/b&gt;"


def test_a_pinned_sensitive_customer_gets_an_open_triangle():
    pnl = small_pnl()
    flag = pd.Series(False, index=pnl.index)
    flag["E"] = True  # 900 % margin: beyond the axes, a triangle on the top edge
    figure = quadrant_map_figure(pnl, LIMITS, sensitive=flag, uncertainty_pct=50)
    (ring,) = [t for t in figure.data if t.name.startswith("Ringed")]
    assert list(ring.marker.symbol) == ["triangle-up-open"]
    assert ring.name.endswith("±50%")
