"""Exit or transform: what a set of customers leaving does to company profit, next to a
pricing scenario applied to them only (DOMAIN.md §3 and §5: most of an unprofitable
customer's cost to serve is capacity that stays when it leaves)."""

import streamlit as st

from analytics.exit import transform_sentence
from analytics.metrics import format_money, format_money_short
from analytics.quadrants import LABELS, QUADRANTS
from pages.ui.exit_state import (
    PRESETS,
    chosen,
    customer_labels,
    exit_figures,
    open_in_pricing,
    preset,
    pricing_scenario,
    segments,
    transform,
)
from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.state import CURRENCY, customer_base, dataset_info
from pages.ui.widgets import blank_text, download_buttons, md_escape, money_column, thin_data_ui

page_guard()

KINDS = {"quadrant": "A quadrant", "bottom_pct": "The least profitable",
         "segment": "A segment", "customers": "Hand-picked customers"}


def signed(value: float) -> str:
    """A change for a card: +$1.2M, -$310.5k, $0."""
    return ("+" if value > 0 else "") + format_money_short(value, CURRENCY)


def exact(value: float) -> str:
    return f"Exactly {format_money(value, CURRENCY)}."


def selection_ui():
    """The set of customers (a quadrant may come from the URL: ?quadrant=aggressive)."""
    state, params = st.session_state, st.query_params
    wanted = params.get("quadrant")
    if wanted in QUADRANTS and state.get("_ex_url_quadrant") != wanted:
        state["ex_kind"], state["ex_quadrant"] = "quadrant", wanted
    state["_ex_url_quadrant"] = wanted
    for key, value in (("ex_kind", "quadrant"), ("ex_quadrant", "aggressive"),
                       ("ex_pct", 10.0)):
        state.setdefault(key, value)
    with st.container(border=True):
        kind = st.radio("Customers", list(KINDS), key="ex_kind", format_func=KINDS.get,
                        horizontal=True)
        if kind == "quadrant":
            value = st.selectbox("Quadrant", QUADRANTS, key="ex_quadrant",
                                 format_func=LABELS.get)
            params["quadrant"] = value
            state["_ex_url_quadrant"] = value
        else:
            params.pop("quadrant", None)
        if kind == "bottom_pct":
            value = st.slider("Share of customers, least profitable first (%)", 1.0, 50.0,
                              step=1.0, key="ex_pct", format="%.0f%%",
                              help="The whale curve's tail: customers ranked by operating "
                              "profit, whole customers (rounded up).")
        elif kind == "segment":
            options = segments()
            if not options:
                st.info("The customers have no segment. Add a segment column to the "
                        "customer data on the Data page, or choose the customers another "
                        "way.", icon=":material/info:")
                return None
            value = st.selectbox("Segment", options, key="ex_segment")
        elif kind == "customers":
            labels = customer_labels()
            value = st.multiselect("Customers", list(labels), key="ex_ids",
                                   format_func=labels.get,
                                   placeholder="Search and pick customers")
            if not value:
                st.info("Pick one or more customers to see what their leaving would do.",
                        icon=":material/info:")
                return None
    return chosen(kind, value)


def exit_ui(outcome) -> None:
    s = outcome.summary()
    st.subheader("Exit: they leave")
    st.caption("Their revenue goes; their COGS and avoidable cost (direct-cost activities) "
               "go with them; their cost on timed activities stays as unused capacity "
               "until someone cuts it.")
    saved = s["cogs_saved"] + s["avoidable_cost_saved"]
    cards = (
        ("Revenue lost", format_money_short(s["revenue_lost"], CURRENCY),
         exact(s["revenue_lost"])),
        ("COGS & avoidable saved", format_money_short(saved, CURRENCY),
         f"COGS {format_money(s['cogs_saved'], CURRENCY)}; avoidable cost "
         f"{format_money(s['avoidable_cost_saved'], CURRENCY)} (activities with a cost per "
         "unit and no resource)."),
        ("Capacity cost stranded", format_money_short(s["capacity_cost_stranded"], CURRENCY),
         "Their cost on timed activities (on a resource): the capacity stays, unused, "
         f"unless someone cuts it. {exact(s['capacity_cost_stranded'])}"),
        ("Their profit today", format_money_short(s["profit"], CURRENCY), exact(s["profit"])),
        ("Δ profit, capacity kept", signed(s["profit_change_capacity_kept"]),
         "Company profit after they leave minus today's, nobody cutting capacity: "
         f"-(revenue - COGS - avoidable cost). {exact(s['profit_change_capacity_kept'])}"),
        ("Δ profit, capacity cut", signed(s["profit_change_capacity_cut"]),
         "The same with their stranded capacity cut too: -(their profit). "
         f"{exact(s['profit_change_capacity_cut'])}"),
    )
    columns = [*st.columns(2), *st.columns(2), *st.columns(2)]
    for column, (label, value, help_text) in zip(columns, cards, strict=True):
        column.metric(label, value, help=help_text, border=True)
    for line in outcome.sentences(CURRENCY):
        st.markdown(md_escape(line))


def transform_ui(who) -> None:
    state = st.session_state
    st.subheader("Transform: they stay on new terms")
    current = pricing_scenario()
    options = (["pricing"] if current else []) + list(PRESETS)
    labels = {**PRESETS, "pricing": f"The Pricing page's scenario: {current.name}"
              if current else ""}
    if state.get("ex_scenario") not in options:
        state["ex_scenario"] = options[0]
    key = st.selectbox("Scenario", options, key="ex_scenario", format_func=labels.get,
                       help="Applied to these customers only; everyone else keeps today's "
                       "terms.")
    if current is None:
        st.caption("The Pricing page has no scenario in this session yet, so a preset "
                   "stands in: set one up there and come back to compare it.")
    scenario = current if key == "pricing" else preset(key)
    outcome = transform(scenario, who)
    if isinstance(outcome, str):
        st.error(md_escape(f"This scenario cannot run on these customers: {outcome}"))
        return
    f = outcome["result"].figures
    cards = (
        ("Δ profit, capacity kept", signed(outcome["profit_change_capacity_kept"]),
         "Company profit in the scenario minus today's, the capacity freed kept. "
         f"{exact(outcome['profit_change_capacity_kept'])}"),
        ("Δ profit, capacity cut", signed(outcome["profit_change_capacity_cut"]),
         "The same with the capacity freed cut. "
         f"{exact(outcome['profit_change_capacity_cut'])}"),
        ("Paying more", f"{outcome['customers_paying_more']:,} of "
         f"{f['customers_in_scope']:,}", "Customers whose bill rises by a cent or more."),
        ("At risk", f"{outcome['customers_at_risk']:,}",
         f"Bill up by more than {scenario.at_risk_pct:g} %."),
    )
    columns = [*st.columns(2), *st.columns(2)]
    for column, (label, value, help_text) in zip(columns, cards, strict=True):
        column.metric(label, value, help=help_text, border=True)
    st.markdown(md_escape(transform_sentence(outcome, CURRENCY)))
    if scenario.description:
        st.caption(md_escape(scenario.description))
    if st.button("Open in Pricing with these customers", key="ex_open", type="primary",
                 icon=":material/sell:", width="stretch"):
        open_in_pricing(scenario, who)


def resources_ui(outcome) -> None:
    st.subheader("Capacity to cut to break even, per resource")
    table = outcome.resources
    if table.empty:
        st.info("These customers use no timed activity: none of their cost is capacity.",
                icon=":material/info:")
        return
    note = {
        "not_needed": " No cut is needed: their leaving pays even with capacity kept.",
        "not_enough": " Here the cut is more than the capacity they leave unused: even all "
                      "of it is not enough, so breaking even means cutting capacity others "
                      "use or that already stands idle.",
    }.get(outcome.status, "")
    st.caption("The loss with capacity kept, shared over the resources in proportion to "
               "the capacity cost they leave unused; time in each resource's capacity unit "
               f"(minutes or hours, as in its resources file).{note}")
    time_help = "In the resource's capacity unit (minutes or hours, as in its resources file)."
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "resource": st.column_config.TextColumn("Resource", pinned=True),
        "capacity_cost_rate": st.column_config.NumberColumn(
            f"Rate ({CURRENCY} per unit of time)", format="%,.4f",
            help="The resource's capacity cost rate: its cost / practical capacity."),
        "stranded_time": st.column_config.NumberColumn("Stranded time", format="%,.1f",
                                                       help=time_help),
        "stranded_cost": money_column("Stranded cost"),
        "break_even_cut_cost": money_column("Cut to break even"),
        "break_even_cut_time": st.column_config.NumberColumn(
            "Cut to break even: time", format="%,.1f", help=time_help),
    })


def customers_ui(outcome, label: str) -> None:
    st.subheader("The customers in this set")
    table = outcome.customers.assign(quadrant=outcome.customers["quadrant"].map(LABELS))
    st.caption(md_escape(f"{len(table):,} customers: {label}. Money to the cent; the rows "
                         "add up to the figures above."))
    # The id pinned and the profit figures before the details: visible at 1440 px.
    columns = {
        "customer_id": st.column_config.TextColumn("Customer", pinned=True),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "profit": money_column("Profit"),
        "profit_change_capacity_kept": money_column("Δ profit, capacity kept"),
        "profit_change_capacity_cut": money_column("Δ profit, capacity cut"),
        "net_revenue": money_column("Net revenue"),
        "cogs": money_column("COGS"),
        "cost_to_serve": money_column("Cost to serve"),
        "avoidable_cost": money_column("Avoidable cost"),
        "stranded_capacity_cost": money_column("Stranded capacity cost"),
        "segment": st.column_config.TextColumn("Segment"),
        "quadrant": st.column_config.TextColumn("Quadrant"),
    }
    order = [c for c in columns if c in table.columns]
    st.dataframe(blank_text(table), hide_index=True, width="stretch", column_config=columns,
                 column_order=order + [c for c in table.columns if c not in columns])
    download_buttons(table[order + [c for c in table.columns if c not in columns]],
                     "exit-customers", key="ex_dl", columns=columns)


# -- the page ---------------------------------------------------------------------------

selection = current_selection()
st.title("Exit or transform")
st.caption("Before letting customers go, see what their leaving really does to company "
           "profit, and what new terms would do instead. "
           f"Selection: {md_escape(describe(selection))}.")
thin_data_ui(dataset_info(), selection)
if customer_base(selection).customers.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
who = selection_ui()
if who is None:
    st.stop()
if not len(who.ids):
    st.info(md_escape(f"No customer is in {who.label} under these filters: choose another "
                      "set, or widen the filters in the sidebar."), icon=":material/info:")
    st.stop()
outcome = exit_figures(who)
left, right = st.columns(2, gap="medium")
with left, st.container(border=True):
    exit_ui(outcome)
with right, st.container(border=True):
    transform_ui(who)
with st.container(border=True):
    resources_ui(outcome)
with st.container(border=True):
    customers_ui(outcome, who.label)
