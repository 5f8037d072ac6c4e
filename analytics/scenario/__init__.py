"""Menu-pricing scenarios: from today's customer P&L to a priced service menu.

Anderson & Narus's menu pricing (DOMAIN.md §6), Kanthal's surcharge on order changes and
minimum order (§3), and cheaper activities (§5), as one vectorised what-if model.

Formulas, per customer in the scenario's scope
----------------------------------------------
- response share ``r`` of an activity applies only when it carries a fee
  (``fee_per_unit > 0``): a service with no price is used as today;
- new usage = usage x (1 - r); for the order-counting activity also x (1 - c x small
  orders / orders), ``c`` the consolidation share: the consolidated small orders leave
  the activity in proportion (exactly "minus the consolidated orders" when the activity
  counts every order);
- fee revenue = fee x new usage (service fees) + small-order surcharge x remaining small
  orders, remaining small orders = small orders x (1 - c);
- net revenue after = net revenue x (1 + core price change);
- rate after = rate x (1 + rate change); cost to serve after = today's cost to serve +
  sum of (rate after x new usage - rate x usage), i.e. sum of (rate after x new usage)
  carrying over today's per-activity cents exactly;
- profit after = net revenue after + fee revenue - COGS - cost to serve after;
- bill change = net revenue after + fee revenue - net revenue, on today's volume; bill
  change % = 100 x bill change / net revenue (NaN when net revenue <= 0); a customer
  *pays more* when its bill rises by at least a cent, and is *at risk* when bill change %
  > the at-risk threshold (or, with net revenue <= 0 today, when it pays more at all);
- volume kept = 1 + e x core price change (``e``, the core volume response: % volume
  per 1 % price), times 1 - d for the at-risk customers (``d``, their expected
  defection): revenue, fees, COGS, usage and cost to serve after are their today's-
  volume amounts x volume kept.

Customers outside the scope keep today's P&L.

Company: avoidable versus stranded cost
---------------------------------------
The change in each customer's cost to serve splits into *avoidable* cost (direct
activities, ``cost_per_unit``: saved at once) and *stranded* capacity (timed activities,
on a resource: today's timed cost - the timed cost after, never below 0: timed work
beyond today's needs capacity, a cost either way, and counts with the avoidable part).
Usage given up, rate cuts and volume lost free capacity alike; it costs money until
someone cuts it. Two outcomes:

- profit after, capacity kept = sum of customer profits after - stranded capacity;
- profit after, capacity cut = sum of customer profits after.

``profit_after`` (the headline and the bridge's end) is the first unless
``capacity_follows_usage``. If the at-risk customers leave, company profit changes by
-(their revenue + fees - COGS - avoidable cost), i.e. - (profit after + timed cost
after), with capacity kept, and by - their profit after with it cut.

Money is counted per customer in whole cents (each amount rounded half away from zero,
profits derived from the rounded amounts), so every exported row adds up and every
column adds up to the summary to the cent.

Quadrants after use the *baseline* thresholds, so a movement is a real movement. Fee
revenue counts as revenue: revenue after = net revenue after + fee revenue; net margin
after = revenue after - COGS; both axes are % of revenue after.

The profit bridge goes from today's operating profit through service fees, cost saved
(usage response and rate changes), the core price change, small-order effects
(surcharges plus the cost saved by consolidated orders), all on today's volume, then the
volume lost and the stranded capacity, to the scenario's profit. Its amounts are in
whole cents, so the steps add up exactly to the end points.

Modules
-------
- :mod:`~analytics.scenario.parameters`: :class:`MenuItem`, :class:`Scope`,
  :class:`Scenario` (frozen, checked, to and from JSON);
- :mod:`~analytics.scenario.engine`: :class:`ScenarioBase` and the named steps of
  :meth:`ScenarioBase.run`;
- :mod:`~analytics.scenario.cents`: each customer's money in whole cents and the
  figures read off them;
- :mod:`~analytics.scenario.bridge`: the profit bridge in cents;
- :mod:`~analytics.scenario.menu_check`: Anderson & Narus's menu check;
- :mod:`~analytics.scenario.menu_parse`: the one menu parser (the command line's menu
  file and the Pricing page's menu table refuse the same values the same way);
- :mod:`~analytics.scenario.menu_table`: the page's menu table and back to menu items;
- :mod:`~analytics.scenario.result`: :class:`ScenarioResult` and its exports;
- :mod:`~analytics.scenario.presets`: activities by name and the preset scenarios.

Everything public is importable from here: ``from analytics.scenario import Scenario``.

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> ids = pd.Index(["GE", "Small"], name="customer_id")
>>> customers = pd.DataFrame({"list_revenue": [1000.0, 500.0], "net_revenue": [1000.0, 500.0],
...                           "cogs": [800.0, 300.0]}, index=ids)
>>> volumes = pd.DataFrame({"Order": [4.0, 2.0], "Order change": [4.0, 0.0]}, index=ids)
>>> rates = pd.DataFrame({"activity": ["Order", "Order change"], "cost_per_unit": [15.0, 45.0]})
>>> base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
>>> scenario = Scenario("Change fee").with_item("Order change", fee_per_unit=45.0,
...                                              usage_response_pct=50.0)
>>> result = base.run(scenario)
>>> result.pnl["profit_after"].tolist()
[140.0, 170.0]
>>> result.summary()["profit_before"], result.summary()["profit_after"]
(130.0, 310.0)
"""

from analytics.scenario.bridge import BRIDGE_STEPS
from analytics.scenario.engine import PAYS_MORE_FROM, ScenarioBase
from analytics.scenario.impact import (
    comparison_table,
    cost_split_sentence,
    impact_table,
    payer_rows,
    stake_sentence,
)
from analytics.scenario.menu_check import COLLABORATIVE_SHARE, MenuCheck
from analytics.scenario.menu_parse import (
    MENU_FIELDS,
    MENU_RANGES,
    MenuProblem,
    ParsedMenu,
    parse_menu,
)
from analytics.scenario.menu_table import MENU_COLUMNS, menu_table, parse_menu_table
from analytics.scenario.parameters import SCOPES, MenuItem, Scenario, Scope
from analytics.scenario.presets import (
    CHANGE_KEYWORDS,
    ORDER_EXCLUDE,
    ORDER_KEYWORDS,
    PRESETS,
    SUPPORT_KEYWORDS,
    guess_order_activity,
    kanthal,
    match_activities,
    move_support_online,
    presets,
    suggested_minimum,
    unbundle,
)
from analytics.scenario.result import MONEY_COLUMNS, SCENARIO_PNL_COLUMNS, ScenarioResult

__all__ = [
    "BRIDGE_STEPS",
    "CHANGE_KEYWORDS",
    "COLLABORATIVE_SHARE",
    "MENU_COLUMNS",
    "MENU_FIELDS",
    "MENU_RANGES",
    "MONEY_COLUMNS",
    "ORDER_EXCLUDE",
    "ORDER_KEYWORDS",
    "PAYS_MORE_FROM",
    "PRESETS",
    "SCENARIO_PNL_COLUMNS",
    "SCOPES",
    "SUPPORT_KEYWORDS",
    "MenuCheck",
    "MenuItem",
    "MenuProblem",
    "ParsedMenu",
    "Scenario",
    "ScenarioBase",
    "ScenarioResult",
    "Scope",
    "comparison_table",
    "cost_split_sentence",
    "guess_order_activity",
    "impact_table",
    "kanthal",
    "match_activities",
    "menu_table",
    "move_support_online",
    "parse_menu",
    "parse_menu_table",
    "payer_rows",
    "presets",
    "stake_sentence",
    "suggested_minimum",
    "unbundle",
]
