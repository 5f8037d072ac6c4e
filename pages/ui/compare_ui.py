"""The comparison of two periods on the pages (issue 12): on the Overview the profit
bridge between the periods, both whale curves on one scale and the customers that moved
most, were lost or won; on the Customers page the quadrant migration (table and Sankey)
and each customer's quadrant in both periods."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.breakdown import activity_costs
from analytics.charts.compare import (
    period_bridge_figure,
    period_migration_figure,
    period_whales_figure,
)
from analytics.compare import BRIDGE_LABELS, STATE_LABELS, PeriodComparison, change_table
from analytics.metrics import format_money_short as money
from analytics.quadrants import LABELS as QUADRANT_LABELS
from pages.ui.chart import show_chart
from pages.ui.compare_state import base_analysis, comparison, current_period, period_labels
from pages.ui.state import CURRENCY, analysis
from pages.ui.widgets import download_buttons, first_rows, md_escape, money_column

STATUS_LABELS = {"retained": "Retained", "new": "New", "lost": "Lost"}


def _customer_columns(base: str, current: str) -> dict:
    return {
        "customer_id": st.column_config.TextColumn("Customer", pinned=True),
        "name": st.column_config.TextColumn("Name"),
        "status": st.column_config.TextColumn("Status"),
        "profit_change": money_column("Profit change"),
        "profit_base": money_column(f"Profit {base}"),
        "profit_current": money_column(f"Profit {current}"),
        "net_revenue_base": money_column(f"Net revenue {base}"),
        "net_revenue_current": money_column(f"Net revenue {current}"),
        "quadrant_base": st.column_config.TextColumn(f"Quadrant {base}"),
        "quadrant_current": st.column_config.TextColumn(f"Quadrant {current}"),
    }


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison's customers as people read them: labels, the id a column."""
    out = frame.reset_index()
    out["status"] = out["status"].map(STATUS_LABELS)
    for column in ("quadrant_base", "quadrant_current"):
        out[column] = out[column].map(QUADRANT_LABELS).astype(object)
    columns = ["customer_id", "name", "status", "profit_change", "profit_base",
               "profit_current", "net_revenue_base", "net_revenue_current", "quadrant_base",
               "quadrant_current"]
    return out[[c for c in columns if c in out.columns]]


LIST_COLUMNS = {
    "movers": ["customer_id", "name", "profit_change", "profit_base", "profit_current"],
    "won": ["customer_id", "name", "profit_current", "net_revenue_current",
            "quadrant_current"],
    "lost": ["customer_id", "name", "profit_base", "net_revenue_base", "quadrant_base"],
}


def _list(title: str, frame: pd.DataFrame, kind: str, labels: tuple[str, str], key: str,
          empty: str, rows: int = 10) -> None:
    """One list of customers: its first ``rows`` with the columns that matter for it
    (:data:`LIST_COLUMNS`), the whole list in the downloads."""
    shown = f"the first {rows} of {len(frame):,}" if len(frame) > rows else f"{len(frame):,}"
    st.markdown(f"**{title}** ({shown})")
    if frame.empty:
        st.caption(empty)
        return
    table = _readable(frame.head(rows))
    st.dataframe(table[[c for c in LIST_COLUMNS[kind] if c in table.columns]],
                 hide_index=True, width="stretch", column_config=_customer_columns(*labels))
    if len(frame) > rows:
        download_buttons(lambda: _readable(frame), key, key=f"cmp_{key}")


def _during(label: str) -> str:
    """'in 2024' for a year, '(2024-01-01 to 2024-06-30)' for other periods."""
    return f"in {label}" if label.isdigit() else f"({label})"


def _since(label: str) -> str:
    """'since 2023' for a year, 'against 2023-01-01 to 2023-06-30' for other periods."""
    return f"since {label}" if label.isdigit() else f"against {label}"


def bridge_sentence(c: PeriodComparison, base: str, current: str) -> str:
    """The change in one sentence, its largest step named.

    >>> import pandas as pd
    >>> from analytics.compare import compare_periods
    >>> b = pd.DataFrame({"net_revenue": [100.0], "net_margin": [40.0],
    ...                   "cost_to_serve": [10.0], "profit": [30.0]}, index=["A"])
    >>> print(bridge_sentence(compare_periods(b, b.iloc[:0]), "2023", "2024"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Operating profit fell by $30, from $30 in 2023 to $0 in 2024; the largest step: lost
    customers (-$30).
    """
    b = c.bridge
    change = c.profit_change
    verb = "rose" if change > 0 else "fell" if change < 0 else "did not change"
    by = f" by {money(abs(change), CURRENCY)}," if change else ","
    steps = {k: b[k] for k in ("lost_customers", "new_customers", "revenue_effect",
                               "margin_effect", "cost_to_serve_effect")}
    largest = max(steps, key=lambda k: abs(steps[k]))
    text = (f"Operating profit {verb}{by} from {money(b['profit_base'], CURRENCY)} "
            f"{_during(base)} to {money(b['profit_current'], CURRENCY)} {_during(current)}")
    if steps[largest]:
        text += (f"; the largest step: {BRIDGE_LABELS[largest].lower()} "
                 f"({money(steps[largest], CURRENCY)})")
    return text + "."


def _section(selection, title: str):
    """A comparison section's frame: ``(comparison, base analysis, (base label, current
    label), container)`` with the section's bordered container headed ``title`` (its
    ``{since}`` filled in), or None when there is no comparison, or nobody in the
    comparison period (said in the container)."""
    c = comparison(selection)
    if c is None:
        return None
    labels = period_labels(selection)
    base = base_analysis(selection)
    container = st.container(border=True)
    container.subheader(title.format(since=_since(labels[0])))
    if base is None:
        container.info(f"No customer has invoice lines or activity from "
                       f"{selection.compare_start} to {selection.compare_end}: choose "
                       "another comparison period in the sidebar.")
        return None
    return c, base, labels, container


def overview_comparison_ui(selection, whale) -> None:
    """The Overview's comparison: bridge, both whale curves, movers, lost and won."""
    section = _section(selection, "What changed {since}")
    if section is None:
        return
    c, base, (base_label, current_label), container = section
    with container:
        st.markdown(md_escape(bridge_sentence(c, base_label, current_label)))
        left, right = st.columns(2)
        with left:
            st.markdown("**Profit bridge**")
            show_chart(period_bridge_figure(c, CURRENCY), "period-bridge")
            st.caption("Lost customers (bought before, not now): their profit in the base "
                       "period. New (bought now, not before): their profit now. For the "
                       "customers that bought in both: the revenue effect is the change in "
                       "revenue at the base period's margin rate; the margin effect is the "
                       "rest of the change in net margin (price, discount, mix); the "
                       "cost-to-serve effect is the fall in cost to serve, and takes in what "
                       "lost customers still cost after they stopped buying (collections, "
                       "returns). The steps add up to the change to the cent.")
        with right:
            st.markdown("**Whale curves, both periods**")
            show_chart(period_whales_figure(base.whale, whale, base_label, current_label,
                                            CURRENCY), "whale-curves-periods")
            counts = c.counts()
            st.caption(f"{counts['retained']:,} customers bought in both periods, "
                       f"{counts['new']:,} are new and {counts['lost']:,} lost (a customer "
                       "counts as buying in a period with positive net revenue in it; the "
                       "headline cards count every customer with invoice lines or activity).")
            first, last = current_period(selection)
            days = [(selection.compare_end - selection.compare_start).days + 1,
                    (last - first).days + 1]
            if abs(days[0] - days[1]) > 3:
                st.warning(f"The periods differ in length ({days[0]:,} and {days[1]:,} days): "
                           "every change includes the difference.", icon=":material/warning:")
        labels = (base_label, current_label)
        first, second = st.columns(2)
        with first:
            _list("Largest rises in profit", c.rises, "movers", labels, "profit-rises",
                  "No customer of both periods earns more than in the base period.")
            _list("Customers won", c.won, "won", labels, "customers-won",
                  "No new customer in this period.")
        with second:
            _list("Largest falls in profit", c.falls, "movers", labels, "profit-falls",
                  "No customer of both periods earns less than in the base period.")
            _list("Customers lost", c.lost, "lost", labels, "customers-lost",
                  "No customer of the base period is missing from this one.")
        _list("Turned unprofitable", c.turned_unprofitable, "movers", labels,
              "turned-unprofitable",
              "No customer that made money in the base period loses money now.")
        download_buttons(lambda: _readable(c.customers), "period-comparison",
                         key="cmp_all")


def customers_comparison_ui(selection) -> None:
    """The Customers page's comparison: the quadrant migration and each customer's
    quadrant in both periods."""
    section = _section(selection, "Quadrant migration {since}")
    if section is None:
        return
    c, _, (base_label, current_label), container = section
    with container:
        matrix = c.migration()
        kept = matrix.loc[matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0]
        left, right = st.columns(2)
        with left:
            table = kept.rename(index=STATE_LABELS, columns=STATE_LABELS)
            table.index.name = f"{base_label} ↓ / {current_label} →"
            st.table(table)
            moved = int(sum(kept.at[r, col] for r in kept.index for col in kept.columns
                            if r != col and r not in ("new",) and col not in ("lost",)))
            st.caption(f"{moved:,} customers of both periods changed quadrant; each period "
                       "is split at its own thresholds.")
        with right:
            show_chart(period_migration_figure(matrix, base_label, current_label),
                       "quadrant-migration")
        frame = c.by_change
        st.markdown("**Each customer in both periods**, largest change in profit first")
        shown = _readable(first_rows(frame, "customers"))
        st.dataframe(shown, hide_index=True, width="stretch", height=360,
                     column_config=_customer_columns(base_label, current_label))
        download_buttons(lambda: _readable(frame), "customers-both-periods",
                         key="cmp_customers")


def cost_comparison_ui(selection) -> None:
    """The Cost to serve page's comparison: cost by activity and unused capacity by
    resource in both periods."""
    section = _section(selection, "Cost to serve {since}")
    if section is None:
        return
    _, base, (base_label, current_label), container = section
    with container:
        current = analysis(selection)
        costs = change_table(activity_costs(base.pnl, base.rate_table),
                             activity_costs(current.pnl, current.rate_table), "activity",
                             ("cost",))
        costs = costs.sort_values("cost_change", key=abs, ascending=False, kind="stable")
        st.caption("Each activity's cost to serve in both periods, largest change first; "
                   "unused capacity by resource below (each period's capacity and cost "
                   "prorated to its length).")
        st.dataframe(costs, hide_index=True, width="stretch", column_config={
            "activity": st.column_config.TextColumn("Activity", pinned=True),
            "cost_base": money_column(f"Cost to serve {base_label}"),
            "cost_current": money_column(f"Cost to serve {current_label}"),
            "cost_change": money_column("Change"),
        })
        download_buttons(costs, "cost-by-activity-both-periods", key="cmp_costs")
        if not current.capacity.empty:
            capacity = change_table(base.capacity, current.capacity, "resource",
                                    ("unused_cost",))
            used = change_table(base.capacity, current.capacity, "resource", ("used_pct",),
                                money=False)
            capacity = capacity.merge(used, on="resource")
            st.dataframe(capacity, hide_index=True, width="stretch", column_config={
                "resource": st.column_config.TextColumn("Resource", pinned=True),
                "unused_cost_base": money_column(f"Unused capacity {base_label}"),
                "unused_cost_current": money_column(f"Unused capacity {current_label}"),
                "unused_cost_change": money_column("Change"),
                "used_pct_base": st.column_config.NumberColumn(f"Used % {base_label}",
                                                               format="%.1f%%"),
                "used_pct_current": st.column_config.NumberColumn(
                    f"Used % {current_label}", format="%.1f%%"),
                "used_pct_change": st.column_config.NumberColumn("Change (points)",
                                                                 format="%+.1f"),
            })
