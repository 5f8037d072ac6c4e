"""Relationships: the portfolio of customer relationships beside single-period profit
(DOMAIN.md §7-9): four kinds of buyers, the loyalty ladder, overdesigned relationships,
share of wallet and growth prospects, retention by cohort and relationship age."""

import streamlit as st

from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.portfolio_state import periods, portfolio
from pages.ui.relationships_ui import (
    buyers_ui,
    cohorts_ui,
    inputs,
    ladder_ui,
    spectrum_ui,
    wallet_ui,
)
from pages.ui.state import analysis, customer_base, dataset_info
from pages.ui.widgets import md_escape, thin_data_ui

page_guard()

selection = current_selection()
st.title("Relationships")
st.caption("Who your relationships are with, how loyal they are, what they cost beyond "
           "the transaction and where they can grow. "
           f"Selection: {md_escape(describe(selection))}.")
thin_data_ui(dataset_info(), selection)
spans = periods(selection)
if spans is None or customer_base(selection).customers.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
ladder, rung_cost, win_cost_pct = inputs()
pf = portfolio(selection, ladder, rung_cost, win_cost_pct)
pnl = analysis(selection.filters).pnl

# Only the open tab is drawn (each rerun sends one tab's charts and tables, not five).
TABS = ("Buyer types", "Loyalty ladder", "Relationship spectrum", "Share of wallet", "Cohorts")
buyers, rungs, spectrum, wallet, cohorts = st.tabs(list(TABS), key="rel_tab",
                                                   on_change="rerun")
if buyers.open:
    with buyers:
        buyers_ui(pf, pnl, selection)
if rungs.open:
    with rungs:
        ladder_ui(pf)
if spectrum.open:
    with spectrum:
        spectrum_ui(pf, pnl)
if wallet.open:
    with wallet:
        wallet_ui(pf, pnl, customer_base(selection).customers, spans.last12 is not None)
if cohorts.open:
    with cohorts:
        cohorts_ui(pf, spans.years[0])
