"""Chart figures: the shared look, category axes, levels and escaping."""

import numpy as np
import pandas as pd
import pytest

from analytics.charts import (
    TEMPLATE,
    activity_cost_figure,
    activity_heatmap_figure,
    new_figure,
    whale_comparison_figure,
    whale_figure,
)
from analytics.whale import whale_curve


def costs(activities: list[str]) -> pd.DataFrame:
    n = len(activities)
    return pd.DataFrame({
        "activity": activities, "resource": ["Warehouse"] * n,
        "cost": np.arange(n, 0, -1) * 100.0, "share_pct": [100.0 / n] * n,
        "customers": [10] * n,
    })


def test_every_figure_gets_the_lean_template():
    layout = new_figure().layout
    assert layout.template.layout.font.family == TEMPLATE.layout.font.family
    assert layout.template.layout.xaxis.automargin is True
    assert not layout.template.data.scatter  # none of Plotly's large per-trace defaults


def test_number_like_activity_codes_stay_categories():
    """An ERP's activity codes ("300", "20", "1") must not turn the axis numeric."""
    fig = activity_cost_figure(costs(["300", "20", "1"]))
    assert fig.layout.template.layout.autotypenumbers == "strict"
    assert list(fig.data[0].y) == ["1", "20", "300"]  # least costly at the bottom
    assert list(fig.layout.yaxis.categoryarray) == ["1", "20", "300"]


def test_heatmap_keeps_segment_codes_as_labels():
    shares = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["10", "2"],
                          columns=["Order entry", "Freight"])
    fig = activity_heatmap_figure(shares)
    assert fig.layout.template.layout.autotypenumbers == "strict"


def test_names_are_shown_literally_in_labels():
    fig = activity_cost_figure(costs(["<b>Rush</b>", "Freight"]))
    assert "&lt;b&gt;Rush&lt;/b&gt;" in list(fig.data[0].y)


def sample_curve(seed: int = 0, n: int = 5_000):
    rng = np.random.default_rng(seed)
    profit = rng.normal(100, 400, n)
    pnl = pd.DataFrame({"profit": profit, "net_revenue": rng.uniform(1_000, 5_000, n)},
                       index=pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id"))
    return whale_curve(pnl)


@pytest.mark.parametrize("build", [
    lambda curve: whale_figure(curve),
    lambda curve: whale_comparison_figure([("Today", curve), ("After", curve)]),
])
def test_whale_charts_mark_100_percent_and_stay_small(build):
    curve = sample_curve()
    assert curve.summary.profit_is_positive
    fig = build(curve)
    levels = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == s.y1 == 100]
    assert len(levels) == 1 and levels[0].xref == "x domain"
    assert any(a.text.startswith("100 % of") for a in fig.layout.annotations)
    assert all(len(trace.x) <= 2_000 for trace in fig.data if trace.x is not None)


def test_whale_in_money_when_profit_is_negative():
    rng = np.random.default_rng(1)
    pnl = pd.DataFrame({"profit": rng.normal(-50, 10, 300),
                        "net_revenue": rng.uniform(100, 200, 300)},
                       index=pd.Index([f"C{i}" for i in range(300)], name="customer_id"))
    fig = whale_figure(whale_curve(pnl))
    assert [s.y0 for s in fig.layout.shapes if s.type == "line"] == [0]
    assert fig.data[-1].y[-1] == pytest.approx(pnl["profit"].sum())


def test_scenario_whale_curves_share_todays_scale():
    """A scenario that doubles every profit ends at 200 % of today's profit, not at 100 %
    of its own (the best scenario used to draw the lowest curve)."""
    today = pd.DataFrame({"customer_id": ["a", "b", "c"], "profit": [60.0, 50.0, -10.0],
                          "net_revenue": [100.0, 100.0, 100.0]})
    better = today.assign(profit=today["profit"] * 2)
    fig = whale_comparison_figure([("Today", whale_curve(today)),
                                   ("Better", whale_curve(better))])
    ends = [trace.y[-1] for trace in fig.data]
    assert ends == pytest.approx([100.0, 200.0])
    assert "today's operating profit" in fig.layout.yaxis.title.text


def test_user_names_never_enter_a_hover_template():
    """A scenario or resource named like a Plotly placeholder ("%{y}") is shown as its
    name, not filled in: names reach the hover by reference (%{fullData.name})."""
    import pandas as pd

    from analytics.charts import bridge_comparison_figure, whale_comparison_figure
    from analytics.charts.trends import utilisation_trend_figure
    from analytics.whale import whale_curve

    hostile = "%{y} <b>x</b>"
    curve = whale_curve(pd.DataFrame({"profit": [5.0, -1.0], "net_revenue": [9.0, 2.0]},
                                     index=["A", "B"]))
    bridge = pd.DataFrame({"step": ["Today", "Fees"], "amount": [10.0, 2.0]})
    trend = pd.DataFrame({"period": ["2024-01", "2024-02"], "resource": [hostile] * 2,
                          "used": [1.0, 2.0], "capacity": [4.0, 4.0],
                          "used_pct": [25.0, 50.0]})
    figures = [whale_comparison_figure([("Today", curve), (hostile, curve)]),
               bridge_comparison_figure([(hostile, bridge)]),
               utilisation_trend_figure(trend)]
    for fig in figures:
        for trace in fig.data:
            assert "%{y} " not in (trace.hovertemplate or "").replace("%{y:", "")
            assert "<b>x</b>" not in (trace.name or "")
        assert any("%{fullData.name}" in (t.hovertemplate or "") for t in fig.data)
