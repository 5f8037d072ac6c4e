"""The trend sections: the company's P&L lines and unprofitable customers per month or
quarter on the Overview (:func:`trends_ui`), each resource's utilisation per month or
quarter on the Cost to serve page (:func:`utilisation_trend_ui`). One call each; the
data come from :mod:`pages.ui.trends_state`."""

from __future__ import annotations

import streamlit as st

from analytics.metrics import format_money_short, format_pct
from analytics.selection import Selection
from analytics.trends import GRAIN_LABELS, GRAINS, grain_reason
from pages.ui.chart import show_chart
from pages.ui.state import CURRENCY, analysis
from pages.ui.trends_state import (
    TrendPeriod,
    company_trend,
    company_trend_chart,
    has_resources,
    trend_period,
    utilisation_trend,
    utilisation_trend_chart,
)
from pages.ui.widgets import download_buttons

NOUN = {"month": "month", "quarter": "quarter"}
SERIES_LABELS = {
    "period": "Period", "first_day": "First day", "last_day": "Last day",
    "net_revenue": "Net revenue", "cogs": "COGS", "net_margin": "Net margin",
    "net_margin_pct": "Net margin %", "cost_to_serve": "Cost to serve",
    "profit": "Operating profit", "customers": "Active customers",
    "unprofitable": "Unprofitable customers", "unprofitable_pct": "Unprofitable customers %",
}
UTILISATION_LABELS = {
    "period": "Period", "resource": "Resource", "used": "Used", "capacity": "Practical capacity",
    "used_pct": "Used %",
}


def series_export(series):
    """The company series for the downloads: the days as ISO text (the Excel writer takes
    no date objects)."""
    return series.assign(first_day=series["first_day"].map(str),
                         last_day=series["last_day"].map(str))


def _grain(period: TrendPeriod, key: str) -> str:
    """The grain control: the rule's choice first, the user may switch."""
    options = list(GRAINS)
    chosen = st.segmented_control(
        "Show by", options, default=period.default, format_func=GRAIN_LABELS.get,
        key=f"{key}_{period.default}", label_visibility="collapsed",
        help="Monthly for a period of up to 24 months, quarterly beyond; switch here.")
    return chosen or period.default


def _too_short(period: TrendPeriod, grain: str, buckets: int) -> str | None:
    """What to do when the period gives no trend, else None."""
    if buckets == 0:
        return ("The selected period holds none of the data's dates: widen the period in "
                "the sidebar to see a trend.")
    if buckets == 1:
        if grain == "quarter" and period.months > 1:
            return ("The selected period falls within one quarter: switch to monthly, or "
                    "widen the period in the sidebar, to see a trend.")
        return ("The selected period falls within one month: a trend needs at least two. "
                "Widen the period in the sidebar (its start and end dates) to see one.")
    return None


def _partial_note(frame, grain: str) -> str:
    """Which buckets the period covers only in part."""
    notes = []
    if len(frame) and frame["partial"].iloc[0]:
        notes.append(f"the first {NOUN[grain]} from {frame['first'].iloc[0]:%d %b %Y}")
    if len(frame) > 1 and frame["partial"].iloc[-1]:
        notes.append(f"the last to {frame['last'].iloc[-1]:%d %b %Y}")
    return (" The period covers " + " and ".join(notes) + " only.") if notes else ""


def trends_ui(selection: Selection) -> None:
    """The Overview's trend: net revenue, net margin, cost to serve, operating profit and
    the share of unprofitable customers per month or quarter, with its downloads."""
    with st.container(border=True):
        st.subheader("Trend over time")
        period = trend_period(selection)
        grain = _grain(period, "trend_grain")
        frame = period.buckets(grain)
        problem = _too_short(period, grain, len(frame))
        if problem:
            st.info(problem, icon=":material/calendar_month:")
            return
        series = company_trend(selection, grain)
        noun = NOUN[grain]
        best = series.loc[series["profit"].idxmax()]
        worst = series.loc[series["profit"].idxmin()]
        st.caption(
            f"{grain_reason(grain, period.months, period.default)} Each {noun}'s net revenue, "
            f"COGS, cost to serve and operating profit add up to the period's totals above "
            f"to the cent: every customer's {noun} is rounded to the cent, and the cents its "
            f"rounding leaves over go to its last {noun}. Activity without a date is spread "
            f"over the {noun}s by their days. Unprofitable customers: those with a negative "
            f"operating profit in the {noun}, of those with invoice lines or activity in it."
            + _partial_note(frame, grain)
        )
        show_chart(company_trend_chart(selection, grain),
                   f"trend-{GRAIN_LABELS[grain].lower()}", key="company_trend")
        whole = analysis(selection)
        unprofitable = whole.whale.summary.unprofitable_customers
        shares = series["unprofitable_pct"].dropna()
        st.text(
            f"Operating profit was highest in {best['period']} "
            f"({format_money_short(best['profit'], CURRENCY)}) and lowest in "
            f"{worst['period']} ({format_money_short(worst['profit'], CURRENCY)}). Over the "
            f"whole period {unprofitable:,} of {len(whole.pnl):,} customers "
            f"({format_pct(100 * unprofitable / len(whole.pnl))}) were unprofitable; within "
            f"a single {noun}, {format_pct(shares.min())} to {format_pct(shares.max())} of "
            f"those active were."
        )
        download_buttons(series_export(series), f"trend-{GRAIN_LABELS[grain].lower()}",
                         key="company_trend", columns=SERIES_LABELS)


def utilisation_trend_ui(selection: Selection) -> None:
    """The Cost to serve page's utilisation per resource per month or quarter (nothing
    when the rate card has no resources, like the capacity section)."""
    if not has_resources(selection):
        return
    with st.container(border=True):
        st.subheader("Utilisation over time")
        period = trend_period(selection)
        grain = _grain(period, "utilisation_grain")
        frame = period.buckets(grain)
        problem = _too_short(period, grain, len(frame))
        if problem:
            st.info(problem, icon=":material/calendar_month:")
            return
        usage = utilisation_trend(selection, grain)
        noun = NOUN[grain]
        st.caption(
            f"{grain_reason(grain, period.months, period.default)} Time all customers' "
            f"activities used in each {noun} over the practical capacity supplied in it (the "
            f"capacity for the data's whole span, prorated by the {noun}'s days; segment and "
            f"region filters do not change it). Activity without a date is spread over the "
            f"{noun}s by their days. Over the {noun}s, used time adds up to the capacity "
            f"table's." + _partial_note(frame, grain)
        )
        show_chart(utilisation_trend_chart(selection, grain),
                   f"utilisation-{GRAIN_LABELS[grain].lower()}", key="utilisation_trend")
        download_buttons(usage, f"utilisation-{GRAIN_LABELS[grain].lower()}",
                         key="utilisation_trend", columns=UTILISATION_LABELS)
