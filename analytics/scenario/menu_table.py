"""The service menu as a table: one row per activity with today's rate and a scenario's
fee, usage response and rate change, and back to menu items.

Example
-------
>>> import pandas as pd
>>> menu = pd.DataFrame({"activity": ["Order", "Visit"], "rate": [32.0, 500.0],
...                      "fee_per_unit": [10.0, 0.0], "usage_response_pct": [150.0, 0.0],
...                      "rate_change_pct": [0.0, 0.0]})
>>> menu_items(menu)
(MenuItem(activity='Order', fee_per_unit=10.0, usage_response_pct=100.0, rate_change_pct=0.0),)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analytics.money import round_money
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


def menu_items(menu: pd.DataFrame) -> tuple[MenuItem, ...]:
    """The menu items of an edited :func:`menu_table`: rows with a fee or a rate change,
    empty cells as 0 and each number brought into its range (a fee not below 0, a
    response within 0-100 %, a rate change not below -100 %)."""
    items = []
    for row in menu.fillna(0.0).itertuples(index=False):
        fee, response, change = (float(row.fee_per_unit), float(row.usage_response_pct),
                                 float(row.rate_change_pct))
        if fee > 0 or change != 0:
            items.append(MenuItem(str(row.activity), fee_per_unit=max(fee, 0.0),
                                  usage_response_pct=min(max(response, 0.0), 100.0),
                                  rate_change_pct=max(change, -100.0)))
    return tuple(items)
