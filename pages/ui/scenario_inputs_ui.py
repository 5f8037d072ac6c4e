"""The Pricing page's inputs: presets, core price, minimum order, scope and the menu."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.quadrants import LABELS, QUADRANTS
from analytics.scenario import Scenario, ScenarioBase, Scope, parse_menu_table
from analytics.scenario.url import INPUT_RANGES, MENU_URL_RANGES
from pages.ui.scenario_state import apply_preset, from_inputs, reset
from pages.ui.state import CURRENCY
from pages.ui.widgets import md_escape, money_column

SCOPE_LABELS = {"all": "All customers", "quadrant": "A quadrant", "segment": "A segment",
                "customers": "Hand-picked customers"}
MENU_SOURCE = "Service menu"  # how the menu's problems name it ("Service menu row 3, …")
PRESET_BUTTONS = (
    ("kanthal", "Kanthal: charge for order changes and set a minimum order"),
    ("unbundle", "Unbundle: lower core price, every service on the menu"),
    ("support_online", "Move support online: lower the support rates"),
)


def inputs_ui(base: ScenarioBase, orders_known: bool, customers: pd.DataFrame) -> Scenario:
    """Every input of the scenario model; returns the scenario they describe."""
    state = st.session_state
    st.markdown("**Presets**")
    for key, label in PRESET_BUTTONS:
        st.button(label, key=f"pr_preset_{key}", on_click=apply_preset, args=(key,),
                  width="stretch")
    st.button("Reset to today's terms", key="pr_reset", on_click=reset,
              icon=":material/restart_alt:", width="stretch")
    if state.get("pr_note"):
        st.caption(md_escape(state["pr_note"]))

    st.markdown("**Core price and customers' response**")
    st.slider("Core price change (%)", *INPUT_RANGES["core"], step=0.5, key="pr_core",
              format="%.1f%%",
              help="Change of the price of the core product; negative when unbundling.")
    st.slider("Volume response (% volume per 1 % price)", *INPUT_RANGES["elastic"], step=0.1,
              key="pr_elastic", format="%.1f",
              help="How much less customers in scope buy when the core price rises (and "
              "more when it falls): -1.0 loses 3 % of their volume, with its revenue, COGS "
              "and service usage, for a 3 % rise.")
    if float(state["pr_core"]) and not float(state["pr_elastic"]):
        st.caption("No volume response: customers are assumed to buy as much as today "
                   "after the price change.")
    st.slider("At risk above a bill increase of (%)", *INPUT_RANGES["risk"], step=0.5,
              key="pr_risk", format="%.1f%%",
              help="A customer whose bill (net revenue plus fees) rises by more than this "
              "counts as at risk of leaving.")
    st.slider("At-risk customers' business lost (%)", *INPUT_RANGES["defect"], step=5.0,
              key="pr_defect", format="%.0f%%",
              help="The expected share of the at-risk customers' business that leaves "
              "(0: they all stay; 100: they all go).")
    st.toggle("Bridge: freed capacity is cut", key="pr_capacity",
              help="Off: the time freed on timed activities (usage given up, rate cuts, "
              "volume lost) stays as unused capacity and costs what it costs today. On: "
              "someone cuts that capacity. The figures above the bridge show both.")

    st.markdown("**Minimum order**")
    if not orders_known:
        st.info("Transactions have no order_id, so orders and their sizes are unknown: the "
                "minimum order controls are off. Add an order_id column to transactions on "
                "the Data page to use them.", icon=":material/info:")
        state["pr_min"] = 0.0
    st.number_input(f"Minimum order value ({CURRENCY}, 0 = none)", min_value=0.0,
                    step=50.0, key="pr_min", disabled=not orders_known, format="%.2f")
    has_minimum = orders_known and float(state["pr_min"] or 0) > 0
    if not has_minimum:
        state["pr_sof"], state["pr_cons"] = 0.0, 0.0
    st.number_input(f"Small-order surcharge ({CURRENCY} per order below the minimum)",
                    min_value=0.0, step=5.0, key="pr_sof", disabled=not has_minimum,
                    format="%.2f")
    st.slider("Small orders consolidated (%)", *INPUT_RANGES["cons"], step=5.0, key="pr_cons",
              disabled=not has_minimum, format="%.1f%%",
              help="Share of the orders below the minimum that customers merge into "
              "larger ones.")
    st.selectbox("Activity that counts orders", base.activities, key="pr_order_act",
                 disabled=not has_minimum or not base.activities,
                 help="Consolidated orders leave this activity.")

    st.markdown("**Customers in scope**")
    kind = st.radio("Apply to", list(SCOPE_LABELS), key="pr_scope",
                    format_func=SCOPE_LABELS.get, horizontal=True)
    values: list[str] = []
    if kind == "quadrant":
        values = st.multiselect("Quadrants", list(QUADRANTS), key="pr_scope_q",
                                format_func=LABELS.get, placeholder="Choose quadrants")
    elif kind == "segment":
        options = list(base.segments)
        state["pr_scope_s"] = [s for s in state.get("pr_scope_s", []) if s in options]
        values = st.multiselect("Segments", options, key="pr_scope_s",
                                placeholder="Choose segments")
    elif kind == "customers":
        options = [str(c) for c in base.customer_ids]
        known = set(options)
        state["pr_scope_c"] = [c for c in state.get("pr_scope_c", []) if c in known]
        names = customers["name"] if "name" in customers.columns else None

        def label(customer_id: str) -> str:
            name = None if names is None else names.get(customer_id)
            return customer_id if name is None or pd.isna(name) else f"{customer_id} · {name}"

        values = st.multiselect("Customers", options, key="pr_scope_c", format_func=label,
                                placeholder="Search and pick customers")
    if kind != "all" and not values:
        st.caption("Nothing chosen yet: the scenario applies to all customers.")
    scope = Scope(kind, tuple(values)) if kind != "all" and values else Scope()

    minimum = float(state["pr_min"] or 0) if has_minimum else 0.0
    try:
        return from_inputs(scope, minimum)
    except ValueError:  # a refused menu: the page shows why and runs nothing
        return Scenario(name=str(state.get("pr_name") or "Scenario"), scope=scope)


def menu_ui(base: ScenarioBase) -> None:
    """The service menu: a fee, a usage response and a rate change per activity."""
    state = st.session_state
    st.subheader("Service menu")
    if not base.activities:
        st.info("This dataset has no activities, so there is nothing to put a fee on: fees "
                "need activities. Add activities.csv and a rate card on the Data page.",
                icon=":material/info:")
        state["pr_menu_edited"] = state["pr_menu"]
        state["pr_menu_refusal"] = ""
        return
    st.caption(
        "A fee per unit puts the activity on the menu; the usage response is the share of "
        "its use customers give up once it carries a price; a rate change makes the "
        "activity cheaper to perform (−40 %: support moved online)."
    )
    state["pr_menu_edited"] = st.data_editor(
        state["pr_menu"], key=f"pr_menu_editor_{state['pr_menu_rev']}", hide_index=True,
        width="stretch", num_rows="fixed", disabled=["activity", "rate"],
        height=min(36 * (len(base.activities) + 1) + 3, 760),
        column_config={
            "activity": st.column_config.TextColumn("Activity", width="medium"),
            "rate": {**money_column("Cost today", help="Today's cost per unit (the rate)."),
                     "width": "small"},
            "fee_per_unit": {**money_column("Fee", help="Fee per unit; 0: no fee (today's "
                                            "terms)."), "width": "small"},
            "usage_response_pct": st.column_config.NumberColumn(
                "Response", width="small", min_value=0.0, max_value=100.0, step=1.0,
                format="%.1f%%",
                help="% of its usage customers give up once the service has a fee."),
            "rate_change_pct": st.column_config.NumberColumn(
                "Rate change", width="small", min_value=MENU_URL_RANGES["rate"][0],
                max_value=MENU_URL_RANGES["rate"][1], step=1.0,
                format="%.1f%%",
                help="Change of the activity's cost rate (negative: cheaper)."),
        },
    )
    refusal = parse_menu_table(state["pr_menu_edited"], base.activities).refusal(
        MENU_SOURCE, "row")
    state["pr_menu_refusal"] = refusal
    if refusal:
        st.error(menu_refusal_md(refusal), icon=":material/error:")


def menu_refusal_md(refusal: str) -> str:
    """The menu's problems as a Markdown list, each shown literally: the same sentences
    the command line gives for a menu file (rows of the table instead of lines)."""
    lines = "\n".join(f"- {md_escape(problem)}" for problem in refusal.splitlines())
    return f"The service menu is refused; correct these values:\n\n{lines}"
