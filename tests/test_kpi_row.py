"""The headline cards (issue 12, item 7): short figures, exact amounts in the help, and
the change from a comparison period, coloured the right way."""

from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

MetricColor = Metric.MetricColor


def _cards(with_base: bool, label: str | None = None):
    def script(with_base, label):
        import pandas as pd

        from pages.ui.widgets import kpi_row

        class Fake:
            """Just what kpi_row reads of an Analysis."""

            def __init__(self, customers, revenue, margin, cost, unused):
                self.pnl = pd.DataFrame({"customer_id": range(customers)})
                self._totals = {"net_revenue": revenue, "net_margin": margin,
                                "cost_to_serve": cost, "profit": margin - cost}
                self.unused_capacity_cost = unused

            def totals(self):
                return self._totals

        current = Fake(2012, 30_604_896.97, 9_000_000.0, 812_400.0, 1_250_000.0)
        base = Fake(2000, 28_000_000.0, 9_500_000.0, 700_000.0, 1_500_000.0)
        kpi_row(current, base if with_base else None, label)

    app = AppTest.from_function(script, args=(with_base, label), default_timeout=30)
    app.run()
    assert not app.exception
    return {m.label: m for m in app.metric}


def test_cards_without_a_base_show_shares_and_short_figures():
    cards = _cards(False)
    assert {MetricColor.Name(c.proto.color) for c in cards.values()} == {"GRAY"}
    assert [c.value for c in cards.values()] == ["2,012", "$30.6M", "$9.0M", "$812.4k",
                                                 "$8.2M", "$1.2M"]
    assert "Exactly $30,604,896.97." in cards["Net revenue"].help
    assert cards["Cost to serve"].delta == "2.7% of net revenue"
    assert cards["Customers"].delta == ""
    assert cards["Unused capacity"].delta == "profit after it $6.9M"


def test_cards_with_a_base_show_the_change_coloured_good_or_bad():
    cards = _cards(True, "2023-01-01 to 2023-12-31")
    deltas = {label: card.delta for label, card in cards.items()}
    assert deltas == {
        "Customers": "+12 (+0.6%)",
        "Net revenue": "+$2.6M (+9.3%)",           # 2,604,896.97 / 28,000,000
        "Net margin": "-$500.0k (-5.3%)",          # -500,000 / 9,500,000
        "Cost to serve": "+$112.4k (+16.1%)",      # 112,400 / 700,000
        "Operating profit": "-$612.4k (-7.0%)",    # 8,187,600 - 8,800,000
        "Unused capacity": "-$250.0k (-16.7%)",
    }
    # Good news green, bad news red: more cost to serve is bad, less unused capacity good.
    colours = {label: MetricColor.Name(card.proto.color) for label, card in cards.items()}
    assert colours == {"Customers": "GREEN", "Net revenue": "GREEN", "Net margin": "RED",
                       "Cost to serve": "RED", "Operating profit": "RED",
                       "Unused capacity": "GREEN"}
    help_text = cards["Net revenue"].help
    assert "Change from 2023-01-01 to 2023-12-31, when it was $28,000,000.00." in help_text
    assert "Exactly $30,604,896.97." in help_text
    assert "2.7% of net revenue" in cards["Cost to serve"].help  # the share moves to help
    assert "when it was 2,000." in cards["Customers"].help


def test_the_comparison_period_is_named_from_the_selection_when_not_given():
    cards = _cards(True)
    assert "Change from the comparison period" in cards["Net revenue"].help
