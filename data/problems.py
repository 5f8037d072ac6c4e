"""Problems with the input, worded for the person who made the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# How many activity names without a rate a load names one by one; the rest are counted.
UNRATED_NAMED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, worded for the person who made the file."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    line_word: str = "line"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" {self.line_word} {self.line}"
        if self.column:
            where += f", {self.column}"
        value = "" if self.value is None else f'"{_shorten(self.value)}" '
        return f"{where}: {value}{self.message}"


class DatasetError(Exception):
    """The dataset was refused; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def unrated_activities(
    activities: str, rates: str, found: Iterable[tuple[str, int | None, int | None]],
    *, total: int | None = None, line_word: str = "line", limit: int = UNRATED_NAMED,
) -> list[Problem]:
    """The problems of activity names that have no rate: one per name, then a count.

    Both engines word them so: the DuckDB importer knows each name's first line and
    number of rows, Spark only the names.

    Parameters
    ----------
    activities, rates : str
        The activities' and the rates' file names as shown to the user.
    found : iterable of (activity, line, rows)
        The names without a rate, in the order to name them, each with its first line
        and its number of rows (``None`` each where not known). The first ``limit`` are
        named.
    total : int, optional
        How many distinct names have no rate in all (default: how many ``found`` has);
        those not named are counted in one last problem.
    line_word : str
        What a line of the activities file is called ("line", or "row" for Excel).
    limit : int
        How many names to name.

    Returns
    -------
    list of Problem
        Empty when ``found`` is.

    Examples
    --------
    >>> for problem in unrated_activities("activities.csv", "rates.csv",
    ...                                   [("Site visit", 4, 2)], total=3):
    ...     print(problem)
    activities.csv line 4, activity: "Site visit" has no rate in rates.csv (2 row(s))
    activities.csv, activity: 2 more activity name(s) have no rate
    >>> print(*unrated_activities("activities.csv", "rates.csv", [("Site visit", None, None)]))
    activities.csv, activity: "Site visit" has no rate in rates.csv
    """
    found = list(found)
    named = found[:limit]
    problems = [
        Problem(activities, f"has no rate in {rates}"
                + ("" if rows is None else f" ({rows:,} row(s))"),
                line=None if line is None else int(line), column="activity", value=name,
                line_word=line_word)
        for name, line, rows in named
    ]
    total = len(found) if total is None else total
    if total > len(named):
        problems.append(Problem(activities, f"{total - len(named):,} more activity name(s) "
                                "have no rate", column="activity"))
    return problems


def _shorten(value: str, limit: int = 60) -> str:
    text = value.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
