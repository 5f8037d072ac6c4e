"""Cost to serve: the rate card (editable), capacity by resource, cost by activity."""

import pandas as pd
import streamlit as st

from analytics.breakdown import activity_cost_by, activity_costs
from analytics.charts import (
    activity_cost_figure,
    activity_heatmap_figure,
    capacity_figure,
)
from analytics.metrics import format_money, format_money_short, format_pct
from analytics.thin_data import unused_activities, unused_activities_hint
from pages.ui.chart import show_chart
from pages.ui.compare_ui import cost_comparison_ui
from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.reconcile_ui import reconciliation_ui
from pages.ui.state import (
    CURRENCY,
    DatasetError,
    Selection,
    analysis,
    customer_base,
    dataset_info,
    memo,
    rate_card,
    replace_rate_card,
)
from pages.ui.trends_ui import utilisation_trend_ui
from pages.ui.widgets import (
    data_notice_ui,
    download_buttons,
    md_escape,
    money_column,
    number_text,
    pct_column,
    thin_data_ui,
    whole_units,
)

page_guard()

info = dataset_info()
selection = current_selection()
st.title("Cost to serve")
st.caption(
    "Time-driven activity-based costing: each resource's cost per minute of practical "
    "capacity, times the minutes each activity takes, times each customer's volume. "
    f"Selection: {md_escape(describe(selection))}."
)
thin_data_ui(info, selection)
result = analysis(selection)

totals = result.totals()
costs = activity_costs(result.pnl, result.rate_table)
costs["resource"] = costs["resource"].fillna("(direct cost)")
columns = st.columns(4)
columns[0].metric("Cost to serve", format_money_short(totals["cost_to_serve"], CURRENCY),
                  help=f"Exactly {format_money(totals['cost_to_serve'], CURRENCY)}.", border=True)
share = 100 * totals["cost_to_serve"] / totals["net_revenue"] if totals["net_revenue"] > 0 else None
columns[1].metric("Share of net revenue", format_pct(share), border=True)
columns[2].metric("Unused capacity", format_money_short(result.unused_capacity_cost, CURRENCY),
                  help="Cost of practical capacity no activity used; not spread over customers.",
                  border=True)
top = costs.iloc[0] if len(costs) and costs["cost"].iloc[0] > 0 else None
columns[3].metric(
    "Most costly activity", "–" if top is None else str(top["activity"]),
    delta=None if top is None else f"{format_pct(top['share_pct'])} of cost to serve",
    delta_color="off", delta_arrow="off", border=True,
)

if not result.capacity.empty:
    with st.container(border=True):
        st.subheader("Capacity by resource")
        fraction = customer_base(selection).period_fraction
        prorated = (
            "" if fraction >= 1 else
            f" Resource cost and capacity are prorated to the selected period "
            f"({format_pct(100 * fraction)} of the data's date span)."
        )
        st.caption(
            "Practical capacity supplied against the time all customers' activities used "
            "(segment and region filters do not change it). The cost of unused capacity is "
            "reported here and never charged to customers." + prorated
        )
        show_chart(capacity_figure(result.capacity, CURRENCY), "capacity-by-resource",
                   key="capacity_chart")
        capacity = result.capacity.drop(columns=["capacity_cost_rate"]).assign(
            capacity_cost_rate=result.capacity["capacity_cost_rate"]
        )
        capacity_columns = {  # totals in whole units; the downloads keep the cents
            "resource": st.column_config.TextColumn("Resource", pinned=True),
            "cost": money_column("Cost", cents=False),
            "unused_cost": money_column("Unused capacity cost", cents=False),
            "used_pct": pct_column("Used %"),
            "capacity": st.column_config.NumberColumn("Practical capacity", format="%,.0f"),
            "used": st.column_config.NumberColumn("Used", format="%,.0f"),
            "unused": st.column_config.NumberColumn("Unused", format="%,.0f"),
            "capacity_cost_rate": st.column_config.NumberColumn(
                "Cost per unit of capacity", format=f"{CURRENCY}%.4f"),
        }
        st.dataframe(whole_units(capacity, "cost", "unused_cost"), hide_index=True,
                     width="stretch", column_config=capacity_columns,
                     column_order=[c for c in capacity_columns if c in capacity.columns])
        download_buttons(capacity, "capacity-by-resource", key="capacity",
                         columns=capacity_columns)

utilisation_trend_ui(selection)

if len(costs):
    with st.container(border=True):
        st.subheader("Cost to serve by activity")
        st.caption("Which activities cost most across the selected customers, and how "
                   "concentrated each one is on its biggest user.")
        show_chart(activity_cost_figure(costs, CURRENCY), "cost-by-activity",
                   key="activity_chart")
        activity_columns = {
            "activity": st.column_config.TextColumn("Activity", pinned=True),
            "cost": money_column("Cost to serve", cents=False),
            "share_pct": pct_column("Share"),
            "resource": st.column_config.TextColumn("Resource"),
            "rate": money_column("Rate per unit"),
            "customers": st.column_config.NumberColumn("Customers using it", format="%,d"),
            "top_customer_share_pct": st.column_config.NumberColumn(
                "Biggest user's share", format="%.1f%%",
                help="Share of the activity's cost caused by its single biggest user."),
        }
        st.dataframe(whole_units(costs, "cost"), hide_index=True, width="stretch",
                     column_config=activity_columns,
                     column_order=[c for c in activity_columns if c in costs.columns])
        download_buttons(costs, "cost-by-activity", key="activity",
                         columns=activity_columns)

    for attribute in ("segment", "region"):
        if attribute in result.pnl.columns and result.pnl[attribute].notna().any():
            with st.container(border=True):
                st.subheader(f"Activity cost by {attribute}")
                st.caption(f"Each activity's cost as a share of the {attribute}'s net revenue: "
                           "who is expensive to serve, and through which activities.")
                heat = activity_cost_by(result.pnl, attribute)
                show_chart(activity_heatmap_figure(heat), f"activity-cost-by-{attribute}",
                           key=f"heat_{attribute}")

cost_comparison_ui(selection)

with st.container(border=True):
    st.subheader("Reconciliation: every total traced to its source")
    st.caption("Each resource's cost is either charged to customers or left as unused "
               "capacity, and the customer table adds up to the loaded "
               f"{'invoice lines' if info.lines_kept else 'monthly totals'}, for the "
               "selected period.")
    reconciliation_ui(selection, result)

with st.container(border=True):
    st.subheader("Rate card")
    st.caption(
        "Edit resources and rates in place, then save: every page then uses the new costs. "
        "A rate gives either a resource with the unit time per driver unit (time-driven), "
        "or a direct cost per unit. Resource cost and practical capacity cover the whole "
        "data period, in the same time unit as the unit times."
    )
    rates, resources = rate_card()
    with st.form(f"rate_card_{info.version}", border=False):
        st.markdown("**Resources**")
        edited_resources = st.data_editor(
            resources, num_rows="dynamic", hide_index=True, width="stretch",
            key=f"resources_editor_{info.version}",
            column_config={
                "resource": st.column_config.TextColumn("Resource", required=True),
                "cost": st.column_config.NumberColumn("Cost", min_value=0.0,
                                                      format=f"{CURRENCY}%,.2f"),
                "capacity": st.column_config.NumberColumn(
                    "Practical capacity", min_value=0.0, format="%,.0f",
                    help="In minutes or hours: the unit of the unit times."),
            },
        )
        st.markdown("**Rates**")
        edited_rates = st.data_editor(
            rates, num_rows="dynamic", hide_index=True, width="stretch",
            key=f"rates_editor_{info.version}",
            column_config={
                "activity": st.column_config.TextColumn("Activity", required=True),
                "cost_per_unit": st.column_config.NumberColumn(
                    "Cost per unit", min_value=0.0, format=f"{CURRENCY}%.2f",
                    help="Only for activities costed directly (no resource)."),
                "resource": st.column_config.TextColumn(
                    "Resource", help="A resource from the table above."),
                "unit_time": st.column_config.NumberColumn(
                    "Unit time", min_value=0.0, format="%.2f",
                    help="Time per driver unit, in the resource's capacity unit."),
                "relationship": st.column_config.CheckboxColumn(
                    "Relationship", default=False,
                    help="Relationship investment (visits, account management, guest "
                    "engineers, joint teams): its cost is a customer's relationship cost."),
            },
        )
        saved = st.form_submit_button("Save rate card", type="primary",
                                      icon=":material/save:")
    if saved:
        try:
            replace_rate_card(pd.DataFrame(edited_rates), pd.DataFrame(edited_resources))
        except DatasetError as error:
            st.error("The rate card was not saved: fix these first.", icon=":material/error:")
            st.dataframe(pd.DataFrame({"problem": [str(p) for p in error.problems]}),
                         hide_index=True, width="stretch")
        else:
            st.session_state["rate_card_saved"] = True
            st.rerun()
    if st.session_state.pop("rate_card_saved", False):
        st.success("Rate card saved: every page now uses the new costs.",
                   icon=":material/check_circle:")
    # Checked on every run, not only after a save: the hint stays while it is true. Over
    # the whole dataset (no filters): an activity outside the selection is still used.
    unused = memo("unused_activities", info.version,
                  lambda: unused_activities(customer_base(Selection()).volumes))
    hint = unused_activities_hint(unused)
    if hint:
        data_notice_ui(hint, "Count cost drivers", "info")
    if not result.rate_table.empty:
        st.markdown("**Rates in use**")
        # A direct-cost activity has no resource, unit time or capacity rate: a dash.
        rates_shown = result.rate_table.assign(
            resource=result.rate_table["resource"].fillna("(direct cost)"),
            unit_time=number_text(result.rate_table["unit_time"], "{:,.2f}"),
            capacity_cost_rate=number_text(result.rate_table["capacity_cost_rate"],
                                           CURRENCY.replace("{", "{{") + "{:,.4f}"))
        st.dataframe(
            rates_shown, hide_index=True, width="stretch",
            column_config={
                "activity": st.column_config.TextColumn("Activity", pinned=True),
                "resource": st.column_config.TextColumn("Resource"),
                "unit_time": st.column_config.TextColumn("Unit time", alignment="right"),
                "capacity_cost_rate": st.column_config.TextColumn(
                    "Capacity cost rate", alignment="right"),
                "rate": money_column("Rate per driver unit"),
            },
        )
