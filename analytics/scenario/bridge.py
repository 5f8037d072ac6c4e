"""The profit bridge: from today's operating profit, effect by effect, to the scenario's.

Its amounts are in whole cents (:func:`analytics.money.to_cents`), the effects
apportioned by largest remainder, so the steps add up exactly to the (rounded) end
points; the scenario summary's money figures are read off the same cents.

Example
-------
>>> bridge = profit_bridge({"service_fees": 10.004, "cost_saved": 0.003, "core_price": 0.0,
...                         "surcharges": 0.0, "consolidation_saved": 0.0,
...                         "unsaved_capacity": -2.0}, 100.0, 108.01)
>>> bridge.table()["cents"].tolist()
[10000, 1001, 0, 0, 0, -200, 10801]
>>> bridge.figures()["fee_revenue"], bridge.figures()["profit_after"]
(10.01, 108.01)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.money import to_cents

# Bridge steps in the order they are drawn (key, label).
BRIDGE_STEPS = (
    ("profit_before", "Today's operating profit"),
    ("service_fees", "Service fees"),
    ("cost_saved", "Cost saved"),
    ("core_price", "Core price change"),
    ("small_orders", "Small orders"),
    ("unsaved_capacity", "Unsaved capacity"),
    ("profit_after", "Scenario profit"),
)
# The company-wide effects of a scenario, in money (the bridge's small orders step is
# surcharges plus the cost saved by consolidated orders).
EFFECTS = (
    "service_fees",
    "cost_saved",
    "core_price",
    "surcharges",
    "consolidation_saved",
    "unsaved_capacity",
)


def apportion(amounts: list[float], start: float, end: float) -> tuple[int, int, list[int]]:
    """Start, end and steps in whole cents, the steps adding up exactly to end - start.

    Each step is rounded to the cent (:func:`analytics.money.to_cents`), then the
    difference left by rounding is handed out one cent at a time to the non-zero steps
    whose rounding lost (or gained) the most.
    """
    start_c, end_c = to_cents(start), to_cents(end)
    exact = [a * 100 for a in amounts]
    steps = to_cents(amounts).tolist()
    diff = end_c - start_c - sum(steps)
    candidates = [i for i, x in enumerate(exact) if x != 0] or list(range(len(steps)))
    while diff:
        sign = 1 if diff > 0 else -1
        best = max(candidates, key=lambda i: sign * (exact[i] - steps[i]))
        steps[best] += sign
        diff -= sign
    return start_c, end_c, steps


@dataclass(frozen=True)
class Bridge:
    """Today's profit, each effect of :data:`EFFECTS` and the scenario's profit, in cents."""

    start: int
    end: int
    effects: dict[str, int]

    def steps(self) -> dict[str, int]:
        """Cents per step of :data:`BRIDGE_STEPS`."""
        c = self.effects
        return {
            "profit_before": self.start,
            "service_fees": c["service_fees"],
            "cost_saved": c["cost_saved"],
            "core_price": c["core_price"],
            "small_orders": c["surcharges"] + c["consolidation_saved"],
            "unsaved_capacity": c["unsaved_capacity"],
            "profit_after": self.end,
        }

    def table(self) -> pd.DataFrame:
        """``key, step, amount, cents, measure`` (``measure`` as Plotly's waterfall wants it)."""
        steps = self.steps()
        return pd.DataFrame(
            {
                "key": [k for k, _ in BRIDGE_STEPS],
                "step": [label for _, label in BRIDGE_STEPS],
                "amount": [steps[k] / 100 for k, _ in BRIDGE_STEPS],
                "cents": [steps[k] for k, _ in BRIDGE_STEPS],
                "measure": ["absolute"] + ["relative"] * 5 + ["total"],
            }
        )

    def figures(self) -> dict[str, float]:
        """The money figures of ``scenario_summary.json``, to the cent, adding up."""
        c = self.effects
        return {
            "profit_before": self.start / 100,
            "profit_after": self.end / 100,
            "fee_revenue": (c["service_fees"] + c["surcharges"]) / 100,
            "service_fee_revenue": c["service_fees"] / 100,
            "surcharge_revenue": c["surcharges"] / 100,
            "cost_saved": (c["cost_saved"] + c["consolidation_saved"]) / 100,
            "core_price_effect": c["core_price"] / 100,
            "small_order_effect": (c["surcharges"] + c["consolidation_saved"]) / 100,
            "unsaved_capacity_cost": -c["unsaved_capacity"] / 100,
        }


def profit_bridge(effects: dict[str, float], profit_before: float,
                  profit_after: float) -> Bridge:
    """The bridge of ``effects`` (money, keyed as :data:`EFFECTS`) between two profits."""
    amounts = [float(effects[key]) for key in EFFECTS]
    start, end, steps = apportion(amounts, profit_before, profit_after)
    return Bridge(start, end, dict(zip(EFFECTS, steps, strict=True)))
