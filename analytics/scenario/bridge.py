"""The profit bridge: from today's operating profit, effect by effect, to the scenario's.

Its amounts are in whole cents. The end points are sums of the per-customer rows'
cents; the effects the rows give in cents (fees, surcharges, the core price, the
stranded capacity) are taken as they are, and the others (cost saved, consolidation, the
volume response) share what is left by largest remainder, so the steps add up exactly.

Example
-------
>>> bridge = profit_bridge({"service_fees": 1000, "surcharges": 0, "core_price": 0,
...                         "unsaved_capacity": -200},
...                        {"cost_saved": 10.004, "consolidation_saved": 0.0,
...                         "volume_response": 0.0}, 10000, 11801)
>>> bridge.table()["cents"].tolist()
[10000, 1000, 1001, 0, 0, 0, -200, 11801]
>>> bridge.figures()["cost_saved"], bridge.figures()["profit_after"]
(10.01, 118.01)
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
    ("volume_response", "Volume lost"),
    ("unsaved_capacity", "Stranded capacity"),
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
    "volume_response",
    "unsaved_capacity",
)


def apportion(fixed: dict[str, int], shared: dict[str, float], start: int,
              end: int) -> dict[str, int]:
    """Cents per effect: ``fixed`` as given, ``shared`` (money) rounded to the cent and
    then corrected one cent at a time, to the non-zero shared effects whose rounding lost
    (or gained) the most, until all the effects add up exactly to ``end - start``.
    """
    exact = {k: float(v) * 100 for k, v in shared.items()}
    steps = {k: int(c) for k, c in zip(shared, to_cents(list(shared.values())), strict=True)}
    diff = end - start - sum(fixed.values()) - sum(steps.values())
    candidates = [k for k, x in exact.items() if x != 0] or list(shared)
    while diff:
        sign = 1 if diff > 0 else -1
        best = max(candidates, key=lambda k: sign * (exact[k] - steps[k]))
        steps[best] += sign
        diff -= sign
    return {**{k: int(v) for k, v in fixed.items()}, **steps}


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
            "volume_response": c["volume_response"],
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
                "measure": ["absolute"] + ["relative"] * (len(BRIDGE_STEPS) - 2) + ["total"],
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
            "volume_effect": c["volume_response"] / 100,
        }


def profit_bridge(fixed: dict[str, int], shared: dict[str, float], start: int,
                  end: int) -> Bridge:
    """The bridge between two profits in cents: ``fixed`` effects in cents, ``shared``
    ones in money (keys together: :data:`EFFECTS`), see :func:`apportion`."""
    if set(fixed) | set(shared) != set(EFFECTS) or set(fixed) & set(shared):
        raise ValueError(f"the bridge needs each of {', '.join(EFFECTS)} once")
    return Bridge(int(start), int(end), apportion(fixed, shared, start, end))
