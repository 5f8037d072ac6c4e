"""What the active dataset cannot tell: the gaps every analysis page names at the top.

A dataset of invoice lines alone still yields a full dashboard, but one that shows every
customer at a 100 % net margin and no cost to serve. These rules say so in plain words,
with the step that fills each gap (the Data page); the pages only draw them.

Example
-------
>>> import datetime as dt
>>> gaps = data_gaps(activity_rows=0, has_cogs=True, first_date=dt.date(2024, 1, 1),
...                  last_date=dt.date(2024, 12, 31))
>>> [gap.key for gap in gaps]
['cost_to_serve']
>>> print(unused_activities_hint(["Freight"]))  # doctest: +NORMALIZE_WHITESPACE
No customer uses 'Freight' yet: add it in an activities file, or count it from your
invoice lines as a cost driver on the Data page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

HINT_NAMES = 5  # activities named in a hint; the rest are counted


@dataclass(frozen=True)
class DataGap:
    """One thing the dataset lacks: what it means (``message``, one sentence), how bad it
    is (``severity``: "warning" when figures are misleading, "info" otherwise) and the
    label of the link to the step that fixes it (``fix``)."""

    key: str
    severity: str
    message: str
    fix: str


NO_COST_TO_SERVE = DataGap(
    "cost_to_serve", "warning",
    "No cost to serve: the dataset has no service activity, so every customer's cost to "
    "serve is 0 and profit equals net margin. Count cost drivers from your invoice lines "
    "(orders, lines, expedites, returns) on the Data page.",
    "Count cost drivers",
)
NO_COGS = DataGap(
    "cogs", "warning",
    "No cost of goods: the transactions have no COGS, gross profit or unit cost column, so "
    "net margin equals net revenue (100 %). Map one on the Data page.",
    "Map a COGS column",
)


def _one_date(day: dt.date | None) -> DataGap:
    on = f" ({day.isoformat()})" if day is not None else ""
    return DataGap(
        "dates", "info",
        f"All invoice lines carry one date{on}, so period filters and trends say nothing.",
        "Load dated invoice lines",
    )


def data_gaps(
    activity_rows: int,
    has_cogs: bool,
    first_date: dt.date | None,
    last_date: dt.date | None,
) -> list[DataGap]:
    """The gaps of a dataset, most misleading first.

    Parameters
    ----------
    activity_rows
        Rows of service activity, loaded or counted from the invoice lines as cost
        drivers; none means no cost to serve.
    has_cogs
        Whether the invoice lines carry COGS (mapped, or derived from gross profit or
        unit cost).
    first_date, last_date
        The dataset's date span; one day (or none) means the dates say nothing.
    """
    gaps = []
    if not activity_rows:
        gaps.append(NO_COST_TO_SERVE)
    if not has_cogs:
        gaps.append(NO_COGS)
    if first_date == last_date:
        gaps.append(_one_date(first_date))
    return gaps


def unused_activities(volumes: pd.DataFrame) -> list[str]:
    """Activities of the rate card that no customer uses: the all-zero columns of a
    customers x activities volume table (in the table's order)."""
    used = volumes.fillna(0.0).ne(0.0).any(axis=0)
    return [str(activity) for activity in volumes.columns[~used.to_numpy()]]


def unused_activities_hint(activities: Sequence[str]) -> str | None:
    """One sentence naming rated activities no customer uses, and how to give them
    volume; ``None`` when every rated activity is used."""
    if not activities:
        return None
    names = [f"'{a}'" for a in activities[:HINT_NAMES]]
    rest = len(activities) - len(names)
    if rest:
        names.append(f"{rest:,} more")
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    one = len(activities) == 1
    return (
        f"No customer uses {listed} yet: add {'it' if one else 'them'} in an activities "
        f"file, or count {'it' if one else 'them'} from your invoice lines as "
        f"{'a cost driver' if one else 'cost drivers'} on the Data page."
    )
