"""Pricing: the menu-pricing scenario studio (DOMAIN.md §3, §5, §6).

Inputs and results live in one fragment, so moving a slider reruns only the scenario:
the model's base (today's P&L as arrays) is cached per dataset version, filter and
minimum order value, and a move is one ``base.run(scenario)``.
"""

import pandas as pd
import streamlit as st

from analytics.charts import bridge_comparison_figure, whale_comparison_figure
from analytics.scenario import Scenario, comparison_table
from analytics.scenario.impact import COMPARISON_FIGURES
from pages.ui.chart import show_chart
from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.scenario_inputs_ui import inputs_ui, menu_ui
from pages.ui.scenario_results_ui import (
    bridge_ui,
    kpis_ui,
    menu_check_ui,
    migration_ui,
    payers_ui,
    whale_ui,
)
from pages.ui.scenario_state import (
    defaults,
    delete_saved,
    has_order_ids,
    link_saved,
    load_saved,
    run_saved,
    run_scenario,
    save_scenario,
    saved_scenarios,
    scenario_base,
)
from pages.ui.scenario_url import note_ui, restore, share_ui, write
from pages.ui.state import CURRENCY, Selection, customer_base, dataset_info
from pages.ui.widgets import download_buttons, md_escape, metric_columns, thin_data_ui

page_guard()


def save_ui(scenario: Scenario) -> None:
    with st.container(border=True):
        st.subheader("Save this scenario")
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input("Scenario name", key="pr_name", max_chars=120)
        if right.button("Save scenario", key="pr_save", icon=":material/save:",
                        width="stretch", type="primary"):
            name = str(st.session_state.get("pr_name") or "").strip()
            if not name:
                st.error("Give the scenario a name first.")
                return
            exists = save_scenario(name, scenario)
            link_saved(name)  # the page's link now names it
            st.session_state["pr_saved_msg"] = (
                f"Saved {name}" + (" (replacing the scenario of that name)." if exists else ".")
            )
            st.rerun(scope="app")  # the saved list below is outside the fragment


@st.fragment
def studio(selection: Selection) -> None:
    """Inputs and results: a slider move reruns only this."""
    orders_known = has_order_ids(selection)
    base0 = scenario_base(selection=selection)
    defaults(base0)
    customers = customer_base(selection).customers
    note_box = st.container()
    controls, results = st.columns([5, 8], gap="medium")
    with results:
        figures_box = st.container()
        with st.container(border=True):
            menu_ui(base0)  # drawn below the results, read first: the scenario needs it
    with controls, st.container(border=True):
        st.subheader("Scenario")
        scenario = inputs_ui(base0, orders_known, customers)
    with note_box:
        note_ui(scenario)
    with figures_box:
        if st.session_state.get("pr_menu_refusal"):  # no run with values the menu refuses
            st.error("This scenario cannot run: the service menu has values it cannot take "
                     "(listed under the menu).", icon=":material/error:")
            return
        write(scenario)  # the URL follows the scenario (a refused menu leaves it be)
        result = run_scenario(scenario, base0)
        if isinstance(result, str):
            st.error(md_escape(f"This scenario cannot run: {result}"))
            return
        kpis_ui(result)
        bridge_ui(result)
    whale_ui(result)
    migration_ui(result)
    payers_ui(result, customers)
    menu_check_ui(result)
    save_ui(scenario)
    share_ui()


def saved_ui() -> None:
    st.header("Saved scenarios")
    state = st.session_state
    message = state.pop("pr_saved_msg", None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")
    saved = saved_scenarios()
    if not saved:
        st.info("No scenario is saved yet: set one up above, name it and save it. Saved "
                "scenarios can be reloaded, compared with today and deleted.",
                icon=":material/info:")
        return
    names = [name for name, _ in saved]
    with st.container(border=True):
        st.subheader("Your scenarios")
        st.dataframe(
            pd.DataFrame(saved, columns=["name", "saved_at"]), hide_index=True,
            width="stretch",
            column_config={"name": st.column_config.TextColumn("Scenario"),
                           "saved_at": st.column_config.DatetimeColumn(
                               "Saved", format="YYYY-MM-DD HH:mm")},
        )
        if state.get("pr_pick") not in names:
            state["pr_pick"] = names[0]
        left, load, delete = st.columns([3, 1, 1], vertical_alignment="bottom")
        picked = left.selectbox("Scenario", names, key="pr_pick")
        load.button("Load", key="pr_load", on_click=load_saved, args=(picked,),
                    icon=":material/upload:", width="stretch",
                    help="Put this scenario's values into the inputs above.")
        delete.button("Delete", key="pr_delete", on_click=delete_saved, args=(picked,),
                      icon=":material/delete:", width="stretch")

    state["pr_compare"] = [n for n in state.get("pr_compare", names[:2]) if n in names]
    with st.container(border=True):
        st.subheader("Compare scenarios")
        chosen = st.multiselect("Scenarios to compare with today", names, key="pr_compare",
                                placeholder="Choose saved scenarios")
        if not chosen:
            st.caption("Choose one or more saved scenarios.")
            return
        results = []
        for name in chosen:
            outcome = run_saved(name)
            if isinstance(outcome, str):
                st.warning(md_escape(f"{name} cannot run on this data: {outcome}"),
                           icon=":material/warning:")
            else:
                results.append((name, outcome))
        if not results:
            return
        table = comparison_table(results)
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={
                "scenario": st.column_config.TextColumn("Scenario"),
                **metric_columns("profit", "change", *COMPARISON_FIGURES),
            },
        )
        download_buttons(table, "scenario-comparison", key="pr_compare_dl")
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.subheader("Bridges compared")
        show_chart(bridge_comparison_figure([(n, r.bridge) for n, r in results], CURRENCY),
                   "bridges-compared", key="pr_cmp_bridge")
    with right, st.container(border=True):
        st.subheader("Whale curves compared")
        curves = [("Today", results[0][1].whale_before)] + [
            (n, r.whale_after) for n, r in results]
        show_chart(whale_comparison_figure(curves, CURRENCY), "whales-compared",
                   key="pr_cmp_whale")


# -- the page ---------------------------------------------------------------------------

selection = current_selection()
st.title("Pricing scenarios")
st.caption(
    "Try menu pricing (Anderson & Narus), Kanthal's surcharge on order changes with a "
    "minimum order, or cheaper activities, and see each customer's P&L change. "
    f"Selection: {md_escape(describe(selection))}."
)
thin_data_ui(dataset_info(), selection)
if customer_base(selection).customers.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
restore(selection)  # a link's scenario, before the inputs are drawn
studio(selection)
saved_ui()
