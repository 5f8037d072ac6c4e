"""The service menu as a table: one row per activity with today's rate and a scenario's
fee, usage response and rate change, and back to menu items.

Example
-------
>>> import pandas as pd
>>> menu = pd.DataFrame({"activity": ["Order", "Visit"], "rate": [32.0, 500.0],
...                      "fee_per_unit": [10.0, 0.0], "usage_response_pct": [150.0, 0.0],
...                      "rate_change_pct": [0.0, 0.0]})
>>> print(parse_menu_table(menu).refusal("Service menu", "row"))
Service menu row 1, usage_response_pct: "150" must be between 0 and 100
>>> parse_menu_table(menu.assign(usage_response_pct=[50.0, 0.0])).items
(MenuItem(activity='Order', fee_per_unit=10.0, usage_response_pct=50.0, rate_change_pct=0.0),)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analytics.money import round_money
from analytics.scenario.menu_parse import ParsedMenu, parse_menu
from analytics.scenario.parameters import MenuItem, Scenario

if TYPE_CHECKING:
    from analytics.scenario.engine import ScenarioBase

MENU_COLUMNS = ("activity", "rate", "fee_per_unit", "usage_response_pct", "rate_change_pct")


def menu_table(base: ScenarioBase, scenario: Scenario | None = None) -> pd.DataFrame:
    """Each of ``base``'s activities with its rate (to the cent) and ``scenario``'s menu
    terms (today's terms, no fee and no change, without one)."""
    rows = []
    for activity, rate in zip(base.activities, base.rate, strict=True):
        item = (scenario.item(activity) if scenario else None) or MenuItem(activity)
        rows.append([activity, round_money(float(rate)), item.fee_per_unit,
                     item.usage_response_pct, item.rate_change_pct])
    return pd.DataFrame(rows, columns=list(MENU_COLUMNS))


def parse_menu_table(menu: pd.DataFrame, activities=None) -> ParsedMenu:
    """An edited :func:`menu_table` read by the one menu parser (:func:`parse_menu`, rows
    numbered from 1, nothing clamped): the items are the rows on the menu (a fee or a rate
    change); any problem refuses the menu, as the command line refuses a menu file."""
    parsed = parse_menu(menu.to_dict("records"), activities)
    items = tuple(i for i in parsed.items if i.fee_per_unit > 0 or i.rate_change_pct != 0)
    return ParsedMenu(items, parsed.problems)
