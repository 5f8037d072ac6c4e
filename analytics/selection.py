"""What is being looked at: one value shared by the pages, the CLI and the cache keys.

A :class:`Selection` holds the period (open at either end: ``None`` is the data's first
or last date), the segments and regions (empty: all), how the quadrant map is split
(median, mean, or custom net-margin and cost-to-serve percentages) and, when there is
one, a comparison period. It is frozen and hashable, so it is its own cache key; the
methods that change it return a new one.

>>> import datetime as dt
>>> s = Selection(dt.date(2024, 1, 1), dt.date(2024, 3, 31), segments=("Retail",))
>>> s.describe()
'2024-01-01 to 2024-03-31; segments: Retail'
>>> s.with_thresholds("custom", 20, 10).describe()
'2024-01-01 to 2024-03-31; segments: Retail; thresholds: net margin 20%, cost to serve 10%'
>>> s.with_thresholds("mean").filters == s.filters
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

METHODS = ("median", "mean", "custom")


def _names(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(str(v) for v in values)


def _date(value, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} must be a date (YYYY-MM-DD), not {value!r}") from None


def _span(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start or '…'} to {end or '…'}"


@dataclass(frozen=True)
class Selection:
    """The period, comparison period, segments, regions and quadrant thresholds in view.

    Parameters
    ----------
    start, end : first and last invoice date included; ``None`` leaves that end open.
    segments, regions : the customers' segments and regions kept (empty: all). Stored
        as tuples in the order given, so equal choices make equal keys.
    method : how the quadrant thresholds are found: ``median`` or ``mean`` of the
        customers with positive net revenue, or ``custom`` (then both percentages).
    net_margin_pct, cost_to_serve_pct : the custom thresholds, in %.
    compare_start, compare_end : the comparison period, when there is one.

    Raises
    ------
    ValueError
        An end before its start, an unknown method, custom thresholds without both
        percentages (or percentages with another method), a non-finite percentage.

    Examples
    --------
    >>> import datetime as dt
    >>> Selection().describe()
    'all customers, whole period'
    >>> Selection(end=dt.date(2024, 6, 30), regions=["North", "East"]).describe()
    '… to 2024-06-30; regions: North, East'
    >>> Selection(dt.date(2024, 2, 1), dt.date(2024, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: the period ends (2024-01-01) before it starts (2024-02-01)
    >>> {Selection(segments=["A"]): 1}[Selection(segments=("A",))]
    1
    """

    start: dt.date | None = None
    end: dt.date | None = None
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    method: str = "median"
    net_margin_pct: float | None = None
    cost_to_serve_pct: float | None = None
    compare_start: dt.date | None = None
    compare_end: dt.date | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__  # frozen: normalise once, here
        put(self, "start", _date(self.start, "start"))
        put(self, "end", _date(self.end, "end"))
        put(self, "compare_start", _date(self.compare_start, "compare_start"))
        put(self, "compare_end", _date(self.compare_end, "compare_end"))
        put(self, "segments", _names(self.segments))
        put(self, "regions", _names(self.regions))
        for first, last, what in ((self.start, self.end, "the period"),
                                  (self.compare_start, self.compare_end,
                                   "the comparison period")):
            if first is not None and last is not None and last < first:
                raise ValueError(f"{what} ends ({last}) before it starts ({first})")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, "
                             f"not {self.method!r}")
        custom = (self.net_margin_pct, self.cost_to_serve_pct)
        if self.method == "custom":
            if None in custom:
                raise ValueError("custom thresholds need both net_margin_pct and "
                                 "cost_to_serve_pct")
            for name, value in zip(("net_margin_pct", "cost_to_serve_pct"), custom,
                                   strict=True):
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError(f"{name} must be a finite number, not {value!r}")
                put(self, name, number)
        elif custom != (None, None):
            raise ValueError(f"threshold percentages go with method 'custom', not "
                             f"{self.method!r}")

    # -- new selections -------------------------------------------------------------
    def with_period(self, start: dt.date | None, end: dt.date | None) -> Selection:
        """The same selection over another period."""
        return replace(self, start=start, end=end)

    def with_filters(self, segments: Iterable[str] = (),
                     regions: Iterable[str] = ()) -> Selection:
        """The same selection with other segments and regions."""
        return replace(self, segments=_names(segments), regions=_names(regions))

    def with_thresholds(self, method: str = "median", net_margin_pct: float | None = None,
                        cost_to_serve_pct: float | None = None) -> Selection:
        """The same selection with the quadrant map split another way."""
        return replace(self, method=method, net_margin_pct=net_margin_pct,
                       cost_to_serve_pct=cost_to_serve_pct)

    def with_comparison(self, start: dt.date | None, end: dt.date | None) -> Selection:
        """The same selection compared with another period (``None, None``: none)."""
        return replace(self, compare_start=start, compare_end=end)

    # -- views ----------------------------------------------------------------------
    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        return self.start, self.end

    @property
    def has_comparison(self) -> bool:
        return self.compare_start is not None or self.compare_end is not None

    @property
    def filters(self) -> Selection:
        """Only what chooses the invoice lines and customers (period, segments,
        regions): the key of everything that does not depend on the thresholds."""
        return Selection(self.start, self.end, self.segments, self.regions)

    @property
    def period_only(self) -> Selection:
        """The period alone: every segment and region."""
        return Selection(self.start, self.end)

    @property
    def thresholds(self) -> dict:
        """The quadrant thresholds as ``analyse``'s keyword arguments."""
        return {"method": self.method, "net_margin_pct": self.net_margin_pct,
                "cost_to_serve_pct": self.cost_to_serve_pct}

    def store_args(self) -> dict:
        """The store's filter arguments (``start, end, segments, regions``; an empty
        choice is ``None``, meaning all)."""
        return {"start": self.start, "end": self.end,
                "segments": list(self.segments) or None,
                "regions": list(self.regions) or None}

    def describe(self, first: dt.date | None = None, last: dt.date | None = None) -> str:
        """One line for a page caption: the period and filters, then the thresholds and
        the comparison when they are not the defaults. ``first``/``last``: the data's
        first and last dates, written for an open end (else "…").

        >>> import datetime as dt
        >>> Selection(dt.date(2024, 1, 1)).describe(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
        '2024-01-01 to 2024-12-31'
        >>> Selection().describe(dt.date(2022, 1, 1), dt.date(2024, 12, 31))
        'all customers, 2022-01-01 to 2024-12-31'
        """
        parts = []
        if self.start or self.end:
            parts.append(_span(self.start or first, self.end or last))
        elif first and last:
            parts.append("all customers, " + _span(first, last))
        if self.segments:
            parts.append("segments: " + ", ".join(self.segments))
        if self.regions:
            parts.append("regions: " + ", ".join(self.regions))
        text = "; ".join(parts) or "all customers, whole period"
        if self.method == "mean":
            text += "; thresholds: means"
        elif self.method == "custom":
            text += (f"; thresholds: net margin {self.net_margin_pct:g}%, "
                     f"cost to serve {self.cost_to_serve_pct:g}%")
        if self.has_comparison:
            text += "; compared with " + _span(self.compare_start, self.compare_end)
        return text

    def to_query_params(self) -> dict[str, str | list[str] | None]:
        """The period and filters as URL query parameters (``None``: leave out)."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "segment": list(self.segments) or None,
            "region": list(self.regions) or None,
        }
