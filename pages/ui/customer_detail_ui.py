"""The Customers page's detail: the picker and one customer up close (its figures,
waterfall, usage against the median customer and months)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from analytics.charts import customer_waterfall_figure, monthly_figure, usage_figure
from analytics.customer_detail import (
    cost_trace,
    driver_sentence,
    monthly_note,
    monthly_pnl,
    position_sentence,
    revenue_multiple,
    sources_sentence,
    trace_sentence,
    usage_vs_median,
    waterfall_steps,
)
from analytics.customer_table import picker_customers
from analytics.metrics import format_money, format_money_short, format_pct
from pages.ui.chart import show_chart
from pages.ui.customers_state import CUSTOMER
from pages.ui.frame import describe
from pages.ui.state import (
    CURRENCY,
    Selection,
    activity_sources,
    customer_base,
    customer_history,
    dataset_info,
)
from pages.ui.widgets import download_buttons, md_escape, money_column

PICKER_LIMIT = 25_000  # above this many customers the picker lists a subset


def _on_pick() -> None:
    st.session_state[CUSTOMER] = st.session_state.get("cust_pick_w")


def picker_ui(pnl: pd.DataFrame) -> object:
    """The customer picker; returns the selected customer (None: none yet)."""
    state = st.session_state
    options = picker_customers(pnl, PICKER_LIMIT, state.get("cust_search", ""),
                               state.get(CUSTOMER))
    names = pnl.get("name")

    def label(customer) -> str:
        name = names.get(customer) if names is not None else None
        return f"{customer} · {name}" if isinstance(name, str) and name else str(customer)

    current = state.get(CUSTOMER)
    state["cust_pick_w"] = current if current in options else None
    st.selectbox("Customer", options, format_func=label, key="cust_pick_w", on_change=_on_pick,
                 placeholder="Type an id or a name, or click a bubble on the map",
                 help=None if len(pnl) <= PICKER_LIMIT else
                 "Lists the 1,000 most and least profitable customers and the matches of "
                 "the table's search box.")
    return state.get(CUSTOMER)


def detail_ui(customer, result, selection: Selection) -> None:
    """One customer up close: figures, waterfall, usage and months."""
    pnl = result.pnl
    row = pnl.loc[customer]
    name = row.get("name") if "name" in pnl else None
    title = f"{customer} · {name}" if isinstance(name, str) and name else str(customer)
    st.subheader(md_escape(title))
    about = [f"{k}: {row[k]}" for k in ("segment", "region")
             if k in pnl and isinstance(row[k], str) and row[k]]
    st.caption(md_escape(" · ".join([*about, describe(selection)])))
    columns = st.columns(4)
    figures = (
        ("Net revenue", row["net_revenue"], None),
        ("Net margin", row["net_margin"], row["net_margin_pct"]),
        ("Cost to serve", row["cost_to_serve"], row["cost_to_serve_pct"]),
        ("Operating profit", row["profit"], None),
    )
    for column, (label, amount, pct) in zip(columns, figures, strict=True):
        note = f"{format_pct(pct)} of net revenue" if pct is not None and np.isfinite(pct) else None
        column.metric(label, format_money_short(amount, CURRENCY), delta=note,
                      delta_color="off", delta_arrow="off", border=True,
                      help=f"Exactly {format_money(amount, CURRENCY)}.")
    st.markdown(md_escape(position_sentence(row)))

    with st.container(border=True):
        st.subheader("From list revenue to operating profit")
        steps = waterfall_steps(row)
        show_chart(customer_waterfall_figure(steps, CURRENCY), f"waterfall-{customer}",
                   key="cust_waterfall")
        st.caption("Each cost-to-serve activity is its driver quantity × rate (time-driven "
                   "ABC); activities under 3 % of this customer's cost to serve are grouped "
                   "as Other activities.")

    base = customer_base(selection)
    with st.container(border=True):
        st.subheader("What makes it expensive: usage against the median customer")
        if customer not in base.volumes.index or base.volumes.shape[1] == 0:
            st.info("This customer used no activity in the period: its cost to serve is zero.")
        else:
            usage_ui(customer, base, result)

    with st.container(border=True):
        st.subheader("Where its cost to serve comes from")
        trace_ui(customer, row, base, result)

    with st.container(border=True):
        st.subheader("By month")
        monthly_ui(customer, row, result, selection)


def trace_ui(customer, row: pd.Series, base, result) -> None:
    """Its cost to serve traced: driver quantity × rate per activity, each rate down to
    the resource's cost and practical capacity, each quantity to its source."""
    quantities = (base.volumes.loc[customer] if customer in base.volumes.index
                  else pd.Series(dtype=float))
    info = dataset_info()
    file = info.files.get("activities")
    trace = cost_trace(quantities, result.rate_table, base.resources,
                       activity_sources(),
                       fallback_source=f"activity table {file}" if file else None,
                       currency=CURRENCY)
    if trace.empty:
        st.info("This customer used no activity in the period: its cost to serve is zero.")
        return
    st.markdown(md_escape(trace_sentence(trace, row["cost_to_serve"], CURRENCY)))
    money = CURRENCY.replace("%", "%%")
    st.dataframe(
        trace[["activity", "quantity", "rate", "cost", "rate_basis", "capacity_basis",
               "source"]],
        hide_index=True, width="stretch",
        column_config={
            "activity": st.column_config.TextColumn("Activity", pinned=True),
            "quantity": st.column_config.NumberColumn(
                "Driver quantity", format="%,.2f", help="In the selected period."),
            "rate": st.column_config.NumberColumn(
                "Rate", format=money + "%,.4f", help="Cost per driver unit."),
            "cost": money_column("Cost", help="Driver quantity × rate, to the cent."),
            "rate_basis": st.column_config.TextColumn(
                "Rate = unit time × capacity cost rate",
                help="Time-driven activities; a direct activity has a cost per unit."),
            "capacity_basis": st.column_config.TextColumn(
                "Capacity cost rate = resource cost / practical capacity",
                help="Over the data period, as in the rate card."),
            "source": st.column_config.TextColumn(
                "Source of the driver quantity",
                help="The activity file the rows came from, or the cost driver (recipe "
                     "or Data page) that counted them from the invoice lines, with its "
                     "condition."),
        },
    )
    notes = [sources_sentence(trace),
             "Unit times and practical capacity are in the rate card's time unit."]
    if base.period_fraction < 1:
        notes.append(f"Activity rows without a date count for {base.period_fraction:.1%} "
                     "of their quantity in this period, as capacity does.")
    st.caption(md_escape(" ".join(notes)))
    download_buttons(lambda: trace.assign(customer_id=customer)[
        ["customer_id", *trace.columns]], "cost-trace-" + re.sub(r"[^\w.-]+", "_", str(customer)),
        key="cust_trace")


def usage_ui(customer, base, result) -> None:
    usage = usage_vs_median(base.volumes, customer, result.rate_table)
    if usage.empty or not (usage["quantity"] > 0).any():
        st.info("This customer used no activity in the period: its cost to serve is zero.")
        return
    multiple = revenue_multiple(result.pnl["net_revenue"], customer)
    st.markdown(driver_sentence(usage, multiple, CURRENCY, escape=md_escape))
    show_chart(usage_figure(usage, CURRENCY), f"usage-{customer}", key="cust_usage")
    table = usage.reset_index()
    # The multiple has no value where the median customer uses none: a dash, not "None".
    table["multiple"] = [
        "–" if pd.isna(v) else f"{v:,.1f}×" for v in table["multiple"].to_numpy()]
    st.dataframe(
        table[["activity", "quantity", "median", "multiple", "percentile", "rate", "cost",
               "excess_cost"]],
        hide_index=True, width="stretch",
        column_config={
            "activity": st.column_config.TextColumn("Activity", pinned=True),
            "quantity": st.column_config.NumberColumn("This customer", format="%,.0f",
                                                      help="Driver quantity in the period."),
            "median": st.column_config.NumberColumn("Median customer", format="%,.1f"),
            "multiple": st.column_config.TextColumn(
                "× median",
                help="This customer's quantity / the median's; – when the median is 0."),
            "percentile": st.column_config.NumberColumn(
                "Uses more than", format="%.0f%% of customers"),
            "rate": st.column_config.NumberColumn("Rate", format=CURRENCY.replace("%", "%%")
                                                  + "%,.2f"),
            "cost": money_column("Cost"),
            "excess_cost": money_column("Cost beyond the median",
                help="This customer's cost minus the median customer's (median × rate)."),
        },
    )


def monthly_ui(customer, row: pd.Series, result, selection: Selection) -> None:
    info = dataset_info()
    history = customer_history(selection, customer)
    monthly = monthly_pnl(history.revenue, history.volumes, result.rate_table,
                          start=selection.start or info.first_date,
                          end=selection.end or info.last_date)
    if monthly.empty or not monthly[["net_revenue", "cost_to_serve"]].abs().to_numpy().any():
        st.info("No invoice lines or dated activity for this customer in the period.")
        return
    show_chart(monthly_figure(monthly, CURRENCY), f"months-{customer}", key="cust_months")
    st.caption(md_escape(monthly_note(row["cost_to_serve"], monthly, CURRENCY)))


def detail_section_ui(result, selection: Selection) -> None:
    """The picker and the selected customer's detail, or what to do to see one."""
    with st.container(border=True):
        st.subheader("Customer detail")
        customer = picker_ui(result.pnl)
        if customer is None:
            st.caption("Click a bubble on the map, select a row in the table, or pick a "
                       "customer above to see its waterfall, its activity usage and its "
                       "months.")
            return
        if customer not in result.pnl.index:
            st.info(f"Customer {md_escape(customer)} has no invoice lines or activity in this "
                    "selection. Widen the period or the filters in the sidebar, or pick "
                    "another customer.")
            return
    detail_ui(customer, result, selection)
