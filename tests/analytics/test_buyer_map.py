"""The buyer map (analytics/charts/relationships.py): log and linear scales."""

import numpy as np
import pandas as pd
import pytest

from analytics.charts.relationships import buyer_map_figure, signed_log

IDS = pd.Index([f"C{i}" for i in range(6)], name="customer_id")
PNL = pd.DataFrame({
    "net_margin": [-2500.0, 0.0, 900.0, 12_000.0, 150_000.0, 4_000_000.0],
    "cost_to_serve": [300.0, 0.0, 50.0, 8_000.0, 20_000.0, 900_000.0],
    "net_revenue": [1000.0, 0.0, 2000.0, 40_000.0, 500_000.0, 9_000_000.0],
}, index=IDS)
TYPES = pd.Series(["underperformer", "commodity", "commodity", "most_valuable", "partner",
                   "partner"], index=IDS)


def drawn(fig):
    """customer id -> (x, y) as drawn."""
    return {cid: (x, y) for trace in fig.data
            for cid, x, y in zip([c[0] for c in trace.customdata], trace.x, trace.y,
                                 strict=True)}


def test_signed_log_is_monotonic_odd_and_keeps_zero():
    values = np.array([-1e6, -100.0, -1.0, 0.0, 1.0, 100.0, 1e6])
    out = signed_log(values)
    assert np.all(np.diff(out) > 0)
    np.testing.assert_allclose(out, -signed_log(-values))
    assert out[3] == 0.0
    assert signed_log(100.0 * 9) == pytest.approx(1.0)


def test_log_scale_draws_every_customer_at_its_own_place():
    fig = buyer_map_figure(PNL, TYPES, reward_threshold=900.0, cost_threshold=300.0)
    points = drawn(fig)
    assert set(points) == set(IDS)
    for cid, (x, y) in points.items():
        assert x == pytest.approx(float(signed_log(PNL.at[cid, "cost_to_serve"])))
        assert y == pytest.approx(float(signed_log(PNL.at[cid, "net_margin"])))
    # The thresholds sit on the same scale; the ticks are money.
    positions = sorted(float(s.x0 if s.x0 == s.x1 else s.y0) for s in fig.layout.shapes)
    assert positions == pytest.approx(sorted([float(signed_log(300.0)),
                                              float(signed_log(900.0))]))
    assert "$0" in fig.layout.yaxis.ticktext and "-$1k" in fig.layout.yaxis.ticktext
    assert "$1M" in fig.layout.yaxis.ticktext and "(log scale)" in fig.layout.xaxis.title.text
    # Hover still gives the true amounts.
    hover = " ".join(t for trace in fig.data for t in trace.text)
    assert "Net margin: $4,000,000" in hover and "Net margin: -$2,500" in hover


def test_linear_scale_puts_outliers_on_the_edge():
    many = pd.concat([PNL] + [PNL.iloc[[2]].rename(index=lambda _, i=i: f"S{i}")
                              for i in range(200)])
    types = TYPES.reindex(many.index).fillna("commodity")
    fig = buyer_map_figure(many, types, 900.0, 300.0, log=False)
    x, y = drawn(fig)["C5"]
    high = fig.layout.yaxis.range[1]
    assert y == high < 4_000_000.0 and x < 900_000.0
    assert fig.layout.yaxis.tickprefix == "$"
