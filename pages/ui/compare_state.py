"""The comparison period's data (issue 12): its analysis and the comparison of the two
periods, cached like every page read (``pages.ui.state``), on the dataset version and
the Selection."""

from __future__ import annotations

from analytics import Analysis
from analytics.compare import PeriodComparison, compare_periods
from analytics.selection import Selection
from pages.ui.state import analysis, dataset_info, memo, version


def base_selection(selection: Selection) -> Selection | None:
    """The comparison period under the same filters and thresholds (None: no comparison)."""
    if not selection.has_comparison:
        return None
    return selection.with_period(selection.compare_start, selection.compare_end
                                 ).with_comparison(None, None)


def base_analysis(selection: Selection) -> Analysis | None:
    """The analysis of the comparison period (None: no comparison, or nobody in it)."""
    base = base_selection(selection)
    if base is None:
        return None
    result = analysis(base)
    return None if result.pnl.empty else result


def comparison(selection: Selection) -> PeriodComparison | None:
    """The two periods compared (None: no comparison; either period may be empty)."""
    base = base_selection(selection)
    if base is None:
        return None
    current = selection.with_comparison(None, None)

    def build() -> PeriodComparison:
        return compare_periods(analysis(base).pnl, analysis(current).pnl)

    return memo("period_comparison", (version(), base, current), build, large=True)


def current_period(selection: Selection) -> tuple:
    """The selection's first and last days, an open end being the data's."""
    info = dataset_info()
    return selection.start or info.first_date, selection.end or info.last_date


def period_labels(selection: Selection) -> tuple[str, str]:
    """Short names of the two periods for legends: the year when a period is one
    calendar year, else its dates."""

    def label(start, end) -> str:
        if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and (
                start.year == end.year):
            return str(start.year)
        return f"{start} to {end}"

    return (label(selection.compare_start, selection.compare_end),
            label(*current_period(selection)))
