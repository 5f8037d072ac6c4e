"""Who a scenario touches: the per-customer impact table, the customers who pay more,
what is at stake, and several scenarios side by side.

Example
-------
>>> stake_sentence({"customers_at_risk": 0})
"Nobody is at risk, so no customer's leaving is in view."
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics import format_money
from analytics.money import round_money
from analytics.quadrants import LABELS
from analytics.scenario.engine import PAYS_MORE_FROM
from analytics.scenario.result import ScenarioResult

COMPARISON_FIGURES = ("fee_revenue", "cost_saved", "core_price_effect", "small_order_effect",
                      "volume_effect", "unsaved_capacity_cost", "profit_after_capacity_kept",
                      "profit_after_capacity_cut", "customers_paying_more", "customers_at_risk",
                      "at_risk_leave_profit_change",
                      "at_risk_leave_profit_change_capacity_cut")


def impact_table(result: ScenarioResult, customers: pd.DataFrame,
                 rows: np.ndarray | None = None) -> pd.DataFrame:
    """The per-customer impact (:meth:`ScenarioResult.pnl_export`) with names and segments
    from ``customers`` (those present), the bill change to the cent and the quadrants'
    labels: every customer by id, or the ``rows`` (positions in ``result.pnl``) in that
    order."""
    frame = result.pnl_export(rows)
    extra = [c for c in ("name", "segment") if c in customers.columns]
    if extra:
        found = customers[extra].reindex(frame["customer_id"])
        for column in extra:
            frame.insert(1 + extra.index(column), column, found[column].to_numpy())
    # The bill change is priced on today's volume (what the same purchases cost after).
    positions = np.arange(len(result.pnl)) if rows is None else np.asarray(rows)
    changes = pd.Series(result.pnl["bill_change"].to_numpy(dtype=float)[positions],
                        index=result.pnl.index[positions])
    frame["bill_change"] = round_money(changes.reindex(frame["customer_id"]).to_numpy())
    for column in ("quadrant_before", "quadrant_after"):
        frame[column] = frame[column].astype(str).map(LABELS)
    return frame


def payer_rows(result: ScenarioResult) -> np.ndarray:
    """Positions in ``result.pnl`` of the customers who pay more (by a cent or more,
    :data:`PAYS_MORE_FROM`, on amounts to the cent), largest increase in % first, ties by
    customer id."""
    pnl = result.pnl
    change = round_money(pnl["bill_change"].to_numpy(dtype=float))
    rows = np.flatnonzero(change >= PAYS_MORE_FROM)
    pct = pnl["bill_change_pct"].to_numpy(dtype=float)[rows].round(4)
    ids = pnl.index.to_numpy()[rows].astype(str)
    return rows[np.lexsort((ids, -pct))]


def stake_sentence(figures: dict, currency: str = "$") -> str:
    """What company profit does if the at-risk customers leave, with their capacity kept
    and with it cut (``figures``: a result's :attr:`~ScenarioResult.figures`).

    >>> print(stake_sentence({"customers_at_risk": 2, "at_risk_leave_profit_change": -2340.0,
    ...                       "at_risk_leave_profit_change_capacity_cut": 6130.0}))
    ... # doctest: +NORMALIZE_WHITESPACE
    If the 2 at-risk customers leave, company profit falls by $2,340.00 while their capacity
    is kept (their timed cost stays as unused capacity); only if that capacity is cut too
    does it rise by $6,130.00.
    """
    count = figures["customers_at_risk"]
    if count == 0:
        return "Nobody is at risk, so no customer's leaving is in view."

    def moves(change: float, verbs: tuple[str, str]) -> str:
        if not change:
            return "does not change" if verbs[0] == "rises" else "not change"
        return f"{verbs[0] if change > 0 else verbs[1]} by {format_money(abs(change), currency)}"

    who = ("the at-risk customer leaves" if count == 1
           else f"the {count:,} at-risk customers leave")
    kept = moves(figures["at_risk_leave_profit_change"], ("rises", "falls"))
    cut = moves(figures["at_risk_leave_profit_change_capacity_cut"], ("rise", "fall"))
    return (f"If {who}, company profit {kept} while their capacity is kept (their timed cost "
            f"stays as unused capacity); only if that capacity is cut too does it {cut}.")


def comparison_table(results: list[tuple[str, ScenarioResult]]) -> pd.DataFrame:
    """Today and each named scenario in a row: operating profit, its change from today to
    the cent, and the figures of :data:`COMPARISON_FIGURES` (today: no effect)."""
    first = results[0][1].figures
    today = {key: 0 if key.startswith("customers_") else 0.0 for key in COMPARISON_FIGURES}
    rows = [{"scenario": "Today", "profit": first["profit_before"], "change": 0.0, **today}]
    for name, result in results:
        f = result.figures
        rows.append({
            "scenario": name, "profit": f["profit_after"],
            "change": round_money(f["profit_after"] - f["profit_before"]),
            **{key: f[key] for key in COMPARISON_FIGURES},
        })
    return pd.DataFrame(rows)


def cost_split_sentence(figures: dict, currency: str = "$") -> str:
    """Where the change in cost to serve goes: avoidable cost saved, capacity stranded,
    and the volume lost (``figures``: a result's :attr:`~ScenarioResult.figures`).

    >>> print(cost_split_sentence({"avoidable_cost_saved": 1200.0,
    ...                            "stranded_capacity_cost": 5000.0, "volume_effect": 0.0}))
    ... # doctest: +NORMALIZE_WHITESPACE
    Cost to serve falls by $6,200.00: $1,200.00 of direct cost is saved and $5,000.00 of
    capacity is freed, which goes on costing money until someone cuts it.
    """
    avoidable = figures["avoidable_cost_saved"]
    stranded = figures["stranded_capacity_cost"]
    total = round_money(avoidable + stranded)
    if not total and not avoidable and not stranded:
        text = "Cost to serve does not change."
    else:
        verb = "falls" if total > 0 else "rises"
        parts = []
        if avoidable > 0:
            parts.append(f"{format_money(avoidable, currency)} of direct cost is saved")
        elif avoidable < 0:
            parts.append(f"{format_money(-avoidable, currency)} more is spent on direct "
                         "activities or timed work beyond today's")
        if stranded > 0:
            parts.append(f"{format_money(stranded, currency)} of capacity is freed, which "
                         "goes on costing money until someone cuts it")
        elif stranded < 0:
            parts.append(f"{format_money(-stranded, currency)} more of today's capacity is "
                         "used")
        text = (f"Cost to serve {verb} by {format_money(abs(total), currency)}: "
                + " and ".join(parts) + ".")
    volume = figures.get("volume_effect", 0.0)
    if volume:
        text += (f" The volume response {'costs' if volume < 0 else 'adds'} "
                 f"{format_money(abs(volume), currency)} of profit.")
    return text
