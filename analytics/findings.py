"""The whale curve's story in plain words, computed from the figures.

Example
-------
>>> import pandas as pd
>>> from analytics.whale import whale_curve
>>> pnl = pd.DataFrame({"profit": [300.0, 50.0, 0.0, -20.0, -30.0, -10.0, 5.0, 5.0, 0.0, -200.0],
...                     "net_revenue": [100.0] * 10})
>>> print(findings(whale_curve(pnl).summary)[0])  # doctest: +NORMALIZE_WHITESPACE
The most profitable 20 % of customers earn 350 % of operating profit;
the least profitable 10 % lose 200 % of it.
"""

from __future__ import annotations

from analytics.metrics import format_money
from analytics.whale import WhaleSummary


def _pct(value: float) -> str:
    return f"{abs(value):,.0f} %"


def findings(summary: WhaleSummary, currency: str = "$") -> list[str]:
    """Sentences an executive can read aloud: the whale's shape and what it costs."""
    if summary.customers == 0:
        return ["No customer has invoice lines or activity in this selection."]
    lines = []
    unprofitable = (
        f"{summary.unprofitable_customers_pct:.0f} % of customers "
        f"({summary.unprofitable_customers:,} of {summary.customers:,}) are unprofitable."
    )
    if summary.profit_is_positive:
        bottom = summary.bottom10_profit_pct
        verb = "lose" if bottom < 0 else "earn"
        lines.append(
            f"The most profitable 20 % of customers earn {_pct(summary.top20_profit_pct)} of "
            f"operating profit; the least profitable 10 % {verb} {_pct(bottom)} of it."
        )
        lines.append(unprofitable)
        if summary.tail_loss > 0:
            lines.append(
                f"Profit peaks at {_pct(summary.peak_pct)} of the total with the most profitable "
                f"{summary.peak_customers_pct:.0f} % of customers; the others give back "
                f"{format_money(summary.tail_loss, currency, 0)}."
            )
    else:
        lines.append(
            f"Total operating profit is {format_money(summary.total_profit, currency, 0)}: "
            "zero or negative, so shares of it are meaningless and amounts are shown instead."
        )
        lines.append(
            f"The most profitable 20 % of customers earn "
            f"{format_money(summary.top20_profit, currency, 0)}; the least profitable 10 % "
            f"earn {format_money(summary.bottom10_profit, currency, 0)}."
        )
        lines.append(unprofitable)
    return lines
