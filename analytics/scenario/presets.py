"""Activities found by name, and the preset scenarios made for a customer base.

Each preset is a function of a :class:`~analytics.scenario.engine.ScenarioBase` (its
activities, their rates, order sizes) returning a :class:`Scenario` with a description
of what it chose.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from analytics.scenario.parameters import MenuItem, Scenario

if TYPE_CHECKING:
    from analytics.scenario.engine import ScenarioBase


def match_activities(
    activities, keywords: tuple[str, ...], exclude: tuple[str, ...] = ()
) -> list[str]:
    """Activities whose name contains any keyword (case-insensitive) and no excluded word.

    >>> match_activities(["Order change", "Order entry", "Small order handling"], ("order",),
    ...                  exclude=("change", "small"))
    ['Order entry']
    """
    out = []
    for activity in activities:
        name = str(activity).lower()
        if any(k in name for k in keywords) and not any(x in name for x in exclude):
            out.append(activity)
    return out


ORDER_KEYWORDS = ("order processing", "order handling", "dispatch", "shipment", "order")
ORDER_EXCLUDE = ("change", "line", "small", "return", "resched", "cancel")
CHANGE_KEYWORDS = ("change", "amend", "modif", "resched")
SUPPORT_KEYWORDS = (
    "support", "complaint", "training", "help", "inquir", "enquir", "service case", "query",
)


def guess_order_activity(activities) -> str | None:
    """The activity most likely to count orders (None when no name suggests one).

    >>> guess_order_activity(["Order entry (EDI)", "Order picking & dispatch", "Order change"])
    'Order picking & dispatch'
    """
    for keyword in ORDER_KEYWORDS:
        found = match_activities(activities, (keyword,), ORDER_EXCLUDE)
        if found:
            return found[0]
    return None


def _price(rate: float) -> float:
    """A menu price from a cost rate: the cost, rounded up to a whole currency unit."""
    return float(max(1.0, math.ceil(round(rate, 6))))


def kanthal(base: ScenarioBase) -> Scenario:
    """"Kanthal: charge for order changes and set a minimum order" (DOMAIN.md §3).

    Every order-change activity (names with change, amend, modif, resched) carries a
    surcharge at its cost rate and customers give up 40 % of their changes; when order
    sizes are known, the base's minimum order value applies with a small-order fee of
    the order activity's rate, and half the small orders are consolidated.
    """
    changes = match_activities(base.activities, CHANGE_KEYWORDS)
    notes = []
    scenario = Scenario(
        "Kanthal: charge for order changes and set a minimum order",
        menu=tuple(
            MenuItem(a, fee_per_unit=_price(base.rate_of(a)), usage_response_pct=40.0)
            for a in changes
        ),
    )
    notes.append(
        f"Surcharge on {', '.join(changes)}." if changes
        else "No activity looks like an order change: no surcharge."
    )
    order_activity = guess_order_activity(base.activities)
    if base.has_orders and base.minimum_order_value and order_activity:
        scenario = scenario.with_changes(
            minimum_order_value=base.minimum_order_value,
            small_order_fee=_price(base.rate_of(order_activity)),
            consolidation_pct=50.0,
            order_activity=order_activity,
        )
        notes.append(
            f"Minimum order {base.minimum_order_value:g}; orders counted by {order_activity}."
        )
    else:
        notes.append("No order sizes (or no order activity): no minimum order.")
    return scenario.with_changes(description=" ".join(notes))


def unbundle(base: ScenarioBase) -> Scenario:
    """"Unbundle: lower core price, every service on the menu" (DOMAIN.md §6).

    The core ("naked") price falls by the share of net revenue that serving customers
    costs today (at most 30 %), so the core no longer pays for the services; every
    activity goes on the menu at its cost rate plus 10 % (so the menu adds up to more
    than the bundle premium), and customers give up 25 % of each service once it has a
    price.
    """
    revenue = float(base.net_revenue.sum())
    share = 100.0 * float(base.cost_to_serve.sum()) / revenue if revenue > 0 else 0.0
    cut = round(min(max(share, 0.0), 30.0), 1)
    return Scenario(
        "Unbundle: lower core price, every service on the menu",
        menu=tuple(
            MenuItem(a, fee_per_unit=_price(base.rate_of(a) * 1.1), usage_response_pct=25.0)
            for a in base.activities
        ),
        core_price_change_pct=-cut,
        description=(
            f"Core price {-cut:g} % (today's cost to serve as % of net revenue); "
            f"{len(base.activities)} activities on the menu at cost + 10 %."
        ),
    )


def move_support_online(base: ScenarioBase) -> Scenario:
    """"Move support online: lower the support rates" (DOMAIN.md §5, the aggressive quadrant).

    Support activities (names with support, complaint, training, help, inquiry...; else
    every activity of a resource whose name says support) become 40 % cheaper.
    """
    found = match_activities(base.activities, SUPPORT_KEYWORDS)
    if not found:
        found = [
            a for a, r in zip(base.activities, base.resource, strict=True)
            if r is not None and "support" in r.lower()
        ]
    return Scenario(
        "Move support online: lower the support rates",
        menu=tuple(MenuItem(a, rate_change_pct=-40.0) for a in found),
        description=(
            f"40 % lower rates for {', '.join(found)}." if found
            else "No support activity found: nothing changes."
        ),
    )


PRESETS = {"kanthal": kanthal, "unbundle": unbundle, "support_online": move_support_online}


def presets(base: ScenarioBase) -> dict[str, Scenario]:
    """Every preset, made for ``base``'s activities."""
    return {key: make(base) for key, make in PRESETS.items()}


def suggested_minimum(customers) -> float:
    """A round minimum order near a quarter of the average order value (the Kanthal
    preset's when none is set): 0 when orders or revenue are unknown.

    ``customers``: the per-customer table, with ``net_revenue`` and ``orders``.

    >>> import pandas as pd
    >>> suggested_minimum(pd.DataFrame({"net_revenue": [9000.0, 3000.0], "orders": [20, 4]}))
    100.0
    >>> suggested_minimum(pd.DataFrame({"net_revenue": [9000.0]}))
    0.0
    """
    orders = float(customers["orders"].sum()) if "orders" in customers.columns else 0.0
    if orders <= 0:
        return 0.0
    quarter = float(customers["net_revenue"].sum()) / orders / 4
    if quarter <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(quarter))
    return float(round(quarter / power) * power)
