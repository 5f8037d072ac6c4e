"""The one parser of a service menu, for the command line's menu file and the Pricing
page's menu table: each row's activity, fee per unit, usage response and rate change,
checked and never clamped, giving the menu items or every problem found.

A row is a mapping of column name to cell (text or a number); a missing or empty cell
counts as 0; a row with every cell empty is skipped. A value is refused when it is not a
number, not finite, or out of its range (:data:`MENU_RANGES`); an activity is refused when
it is empty, unknown (when the dataset's activities are given) or listed twice.

Example
-------
>>> parsed = parse_menu([{"activity": "Order", "fee_per_unit": "10",
...                       "usage_response_pct": "150"}], ["Order"], first_line=2)
>>> parsed.items
()
>>> print(parsed.refusal("menu.csv"))
menu.csv line 2, usage_response_pct: "150" must be between 0 and 100
>>> parse_menu([{"activity": "Order", "fee_per_unit": 10.0}]).items
(MenuItem(activity='Order', fee_per_unit=10.0, usage_response_pct=0.0, rate_change_pct=0.0),)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analytics.scenario.parameters import MenuItem

MENU_FIELDS = ("activity", "fee_per_unit", "usage_response_pct", "rate_change_pct")
# Allowed range of each menu number (low, high), inclusive.
MENU_RANGES = {
    "fee_per_unit": (0.0, math.inf),
    "usage_response_pct": (0.0, 100.0),
    "rate_change_pct": (-100.0, math.inf),
}


@dataclass(frozen=True)
class MenuProblem:
    """One refused cell or row: where (line or row number, column), the value, why."""

    line: int
    message: str
    column: str | None = None
    value: str | None = None

    def text(self, source: str, line_word: str = "line") -> str:
        """The problem as one sentence naming ``source``, the line, column and value.

        >>> MenuProblem(3, "must be 0 or more", "fee_per_unit", "-3").text("Menu", "row")
        'Menu row 3, fee_per_unit: "-3" must be 0 or more'
        """
        where = f"{source} {line_word} {self.line}"
        if self.column:
            where += f", {self.column}"
        value = "" if self.value is None else f'"{self.value}" '
        return f"{where}: {value}{self.message}"


@dataclass(frozen=True)
class ParsedMenu:
    """The menu items of the rows without a problem, and the problems (none: accepted)."""

    items: tuple[MenuItem, ...]
    problems: tuple[MenuProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def refusal(self, source: str, line_word: str = "line") -> str:
        """Every problem, one line each (empty when the menu is accepted)."""
        return "\n".join(p.text(source, line_word) for p in self.problems)


def cell_text(cell: object) -> str:
    """A cell as the text it shows: numbers without a trailing ``.0``, missing as empty.

    >>> [cell_text(c) for c in (" 12 ", -3.0, 0.5, None, float("nan"), float("inf"), 7)]
    ['12', '-3', '0.5', '', '', 'inf', '7']
    """
    if cell is None:
        return ""
    if isinstance(cell, numbers.Real) and not isinstance(cell, bool):
        value = float(cell)
        if math.isnan(value):
            return ""  # an empty cell of a numeric table
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(cell).strip()


def parse_menu(
    rows: Iterable[Mapping[str, object]],
    activities: Iterable[str] | None = None,
    *,
    first_line: int = 1,
) -> ParsedMenu:
    """The menu items of ``rows``, or what is wrong with them.

    Parameters
    ----------
    rows
        One mapping per row with the columns of :data:`MENU_FIELDS` (text or numbers);
        a missing or empty number counts as 0.
    activities
        The dataset's activities; an activity outside them is refused. ``None``: any.
    first_line
        The number of the first row in the problems (2 for a file with a header line).

    Returns
    -------
    ParsedMenu
        One item per valid row, in order, and one problem per bad cell or row.

    Examples
    --------
    >>> rows = [{"activity": "Order", "fee_per_unit": "-3"}, {"activity": "Order"}]
    >>> print(parse_menu(rows, first_line=2).refusal("m.csv"))
    m.csv line 2, fee_per_unit: "-3" must be 0 or more
    m.csv line 3, activity: "Order" is listed twice (first on line 2)
    """
    known = None if activities is None else set(activities)
    problems: list[MenuProblem] = []
    items: list[MenuItem] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=first_line):
        cells = {c: cell_text(row.get(c)) for c in MENU_FIELDS}
        if not any(cells.values()):
            continue
        activity = cells["activity"]
        if not activity:
            problems.append(MenuProblem(line, "an activity name is needed", "activity"))
            continue
        if known is not None and activity not in known:
            problems.append(MenuProblem(line, "is not an activity of the dataset (known: "
                                        + ", ".join(sorted(known)) + ")", "activity",
                                        activity))
        elif activity in seen:
            problems.append(MenuProblem(
                line, f"is listed twice (first on line {seen[activity]})", "activity",
                activity))
        seen.setdefault(activity, line)
        values = {}
        for column, (low, high) in MENU_RANGES.items():
            raw = cells[column]
            try:
                value = float(raw) if raw else 0.0
            except ValueError:
                problems.append(MenuProblem(line, "is not a number", column, raw))
                continue
            if not math.isfinite(value):
                problems.append(MenuProblem(line, "is not a finite number", column, raw))
            elif not low <= value <= high:
                bounds = f"between {low:g} and {high:g}" if high < math.inf else f"{low:g} or more"
                problems.append(MenuProblem(line, f"must be {bounds}", column, raw))
            else:
                values[column] = value
        if (len(values) == len(MENU_RANGES) and (known is None or activity in known)
                and seen[activity] == line):
            items.append(MenuItem(activity, **values))
    return ParsedMenu(tuple(items), tuple(problems))
