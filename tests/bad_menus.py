"""Bad service menus, shared by the command line's tests (a menu file) and the Pricing
page's tests (the menu table): the one menu parser must refuse each the same way.

Each menu is a list of rows (activity, fee_per_unit, usage_response_pct, rate_change_pct)
as typed; ``bad`` is the index of the refused row. The activities are the sample's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

HEADER = ("activity", "fee_per_unit", "usage_response_pct", "rate_change_pct")


@dataclass(frozen=True)
class BadMenu:
    rows: tuple[tuple[str, str, str, str], ...]
    bad: int  # index of the refused row in ``rows``
    column: str
    value: str
    message: str
    on_page: bool = True  # False: the page's table cannot hold it (its activities are fixed)

    def csv(self) -> str:
        return "\n".join(",".join(row) for row in (HEADER, *self.rows)) + "\n"

    def refusal(self, source: str, line: int, line_word: str = "line") -> str:
        """The sentence both the command line and the page give."""
        return f'{source} {line_word} {line}, {self.column}: "{self.value}" {self.message}'


def one_cell(column: str, value: str, message: str) -> BadMenu:
    """A good 'Order change' row with one cell replaced by ``value``."""
    row = dict(zip(HEADER, ("Order change", "10", "5", "0"), strict=True))
    row[column] = value
    return BadMenu((("Expedited delivery", "90", "50", "-10"), tuple(row.values())), 1,
                   column, value, message)


BAD_MENUS = [
    pytest.param(one_cell("fee_per_unit", "-3", "must be 0 or more"), id="negative-fee"),
    pytest.param(one_cell("usage_response_pct", "150", "must be between 0 and 100"),
                 id="response-above-100"),
    pytest.param(one_cell("usage_response_pct", "-0.5", "must be between 0 and 100"),
                 id="response-below-0"),
    pytest.param(one_cell("rate_change_pct", "-150", "must be -100 or more"),
                 id="rate-change-below-minus-100"),
    pytest.param(one_cell("fee_per_unit", "inf", "is not a finite number"), id="infinite-fee"),
    pytest.param(one_cell("fee_per_unit", "1O", "is not a number"), id="fee-not-a-number"),
    pytest.param(one_cell("rate_change_pct", "x", "is not a number"),
                 id="rate-change-not-a-number"),
    pytest.param(BadMenu((("Order change", "10", "5", "0"), ("Teleport", "5", "0", "0")), 1,
                         "activity", "Teleport", "is not an activity of the dataset",
                         on_page=False), id="unknown-activity"),
    pytest.param(BadMenu((("Order change", "1", "5", "0"), ("Order change", "2", "5", "0")), 1,
                         "activity", "Order change", "is listed twice (first on line 2)",
                         on_page=False), id="listed-twice"),
]
PAGE_BAD_MENUS = [case for case in BAD_MENUS if case.values[0].on_page]
