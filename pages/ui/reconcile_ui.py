"""The Cost to serve page's reconciliation: each resource's cost against what customers
were charged plus unused capacity, and the revenue and COGS totals against the loaded
invoice lines (``analytics.reconcile``)."""

from __future__ import annotations

import streamlit as st

from analytics.reconcile import (
    reconciliation_sentence,
    resource_reconciliation,
    totals_reconciliation,
)
from pages.ui.state import (
    Selection,
    analysis,
    customer_base,
    dataset_info,
    line_totals,
    memo,
    version,
)
from pages.ui.widgets import download_buttons, md_escape, money_column

CHECK = {True: "✓", False: "✗"}


def _tables(selection: Selection, result):
    """Both reconciliations; the customers outside a segment or region filter come from
    the same period's unfiltered analysis (capacity is measured on every customer)."""
    period = selection.period_only
    whole = analysis(period)
    base = customer_base(period)
    selected = result.pnl.index if selection.segments or selection.regions else None
    resources = resource_reconciliation(whole.capacity, whole.rate_table, whole.pnl,
                                        base.volumes, selected)
    lines = line_totals(selection)
    totals = totals_reconciliation(lines, base.customers, selected)
    return resources, totals, lines, base


def reconciliation_ui(selection: Selection, result) -> None:
    """The reconciliation section: a table per check, a ✓ per row."""
    key = (version(), selection.filters)
    resources, totals, lines, base = memo("reconciliation", key,
                                          lambda: _tables(selection, result))
    filtered = bool(selection.segments or selection.regions)
    st.markdown(md_escape(reconciliation_sentence(resources, totals)))
    outside = {"help": "Customers the segment or region filter leaves out: they use the "
                       "same resources."}
    if len(resources):
        st.markdown("**Each resource's cost = cost assigned to customers + unused capacity** "
                    "(+ the cents that rounding each customer's amount moved)")
        shown = resources.assign(check=resources["reconciles"].map(CHECK))
        columns = ["resource", "cost", "assigned", *(["assigned_outside"] if filtered else []),
                   "unused_cost", "rounding", "difference", "check"]
        st.dataframe(shown[columns], hide_index=True, width="stretch", column_config={
            "resource": st.column_config.TextColumn("Resource", pinned=True),
            "cost": money_column("Resource cost", help="Over the selected period."),
            "assigned": money_column(
                "Assigned to the selection" if filtered else "Assigned to customers",
                help="Σ of the customers' activity costs on this resource, each to the cent."),
            "assigned_outside": money_column("Assigned to others", **outside),
            "unused_cost": money_column("Unused capacity",
                                        help="Unused practical capacity × its cost rate."),
            "rounding": money_column(
                "Rounding", help="What rounding each customer's amount to the cent added, "
                                 "taken back: at most half a cent per amount."),
            "difference": money_column(
                "Difference", help="Resource cost − unused capacity − Σ driver quantity × "
                                   "rate over the customers, unrounded: 0.00 when every "
                                   "minute used is charged to a customer."),
            "check": st.column_config.TextColumn("Check", width="small"),
        })
        download_buttons(shown[columns], "reconciliation-by-resource", key="recon_resources")
    if len(totals):
        kept = dataset_info().lines_kept
        st.markdown("**Revenue and COGS = the sums of the loaded invoice lines**" if kept else
                    "**Revenue and COGS = the sums of the loaded monthly totals**")
        shown = totals.assign(check=totals["reconciles"].map(CHECK))
        columns = ["measure", "lines", "customers", *(["customers_outside"] if filtered else []),
                   "difference", "check"]
        st.dataframe(shown[columns], hide_index=True, width="stretch", column_config={
            "measure": st.column_config.TextColumn("Total", pinned=True),
            "lines": money_column("Invoice lines" if kept else "Monthly totals", help=(
                "Summed straight from the loaded lines dated in the period." if kept else
                "Summed from the monthly totals the store keeps (a partial month "
                "prorated by days): it keeps no invoice lines.")),
            "customers": money_column(
                "Customer table" + (" (selection)" if filtered else ""),
                help="Σ of the per-customer table the P&L is built on."),
            "customers_outside": money_column("Customer table (others)", **outside),
            "difference": money_column("Difference"),
            "check": st.column_config.TextColumn("Check", width="small"),
        })
        counted = int(base.customers["invoice_lines"].sum())
        unknown = int((~base.customers["in_master"].astype(bool)).sum())
        note = (f"{lines['invoice_lines']:,} invoice lines in the period; the customer table "
                f"counts {counted:,}.")
        if unknown:
            note += (f" {unknown:,} customer(s) without master data are in these totals"
                     + (" (among the other customers)." if filtered else "."))
        if not kept:
            note += (" This store keeps monthly totals only, not the invoice lines: the "
                     "check adds up the customer-month totals the load made from them.")
        st.caption(md_escape(note))
