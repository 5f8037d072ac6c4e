"""Pricing: the menu-pricing scenario studio (DOMAIN.md §3, §5, §6).

Inputs and results live in one fragment, so moving a slider reruns only the scenario:
the model's base (today's P&L as arrays) is cached per dataset version, filter and
minimum order value, and a move is one ``base.run(scenario)``.
"""

import datetime as dt
import math

import numpy as np
import pandas as pd
import streamlit as st

from analytics.charts import (
    bridge_comparison_figure,
    migration_sankey_figure,
    scenario_bridge_figure,
    whale_comparison_figure,
)
from analytics.metrics import format_money, format_money_short, format_pct
from analytics.money import round_money
from analytics.quadrants import LABELS, QUADRANTS
from analytics.scenario import (
    PAYS_MORE_FROM,
    MenuItem,
    Scenario,
    ScenarioBase,
    ScenarioResult,
    Scope,
    guess_order_activity,
    kanthal,
    move_support_online,
    unbundle,
)
from data.store import OrderIdsMissing
from pages.ui.chart import show_chart
from pages.ui.frame import Filters, current_filters, page_guard
from pages.ui.state import (
    CURRENCY,
    analysis,
    customer_base,
    dataset_info,
    filtered_base,
    get_store,
)
from pages.ui.widgets import (
    download_buttons,
    md_escape,
    money_column,
    pct_column,
    thin_data_ui,
)

page_guard()

SCOPE_LABELS = {"all": "All customers", "quadrant": "A quadrant", "segment": "A segment",
                "customers": "Hand-picked customers"}
PRESET_BUTTONS = (
    ("kanthal", "Kanthal: charge for order changes and set a minimum order"),
    ("unbundle", "Unbundle: lower core price, every service on the menu"),
    ("support_online", "Move support online: lower the support rates"),
)
MENU_COLUMNS = ["activity", "rate", "fee_per_unit", "usage_response_pct", "rate_change_pct"]
DEFAULTS = {
    "pr_name": "My scenario",
    "pr_core": 0.0,
    "pr_risk": 10.0,
    "pr_capacity": False,
    "pr_min": 0.0,
    "pr_sof": 0.0,
    "pr_cons": 0.0,
    "pr_scope": "all",
    "pr_scope_q": [],
    "pr_scope_s": [],
    "pr_scope_c": [],
    "pr_menu_rev": 0,
    "pr_note": "",
}
MAX_PAYERS_SHOWN = 5000


# -- the cached base ----------------------------------------------------------------------


def _filter_key(filters: Filters) -> tuple:
    return (dataset_info().version, filters.start, filters.end, filters.segments,
            filters.regions)


@st.cache_resource(max_entries=8, show_spinner="Preparing the scenario model…")
def _scenario_base(
    version: str,
    start: dt.date | None,
    end: dt.date | None,
    segments: tuple[str, ...],
    regions: tuple[str, ...],
    minimum_order_value: float,
) -> ScenarioBase:
    """Today's P&L as arrays, with order sizes for a minimum order (0: none); read-only,
    so one base serves every session."""
    today = analysis(version, start, end, segments, regions)
    volumes = customer_base(version, start, end, segments, regions).volumes
    orders = None
    if minimum_order_value > 0:
        orders = get_store().order_sizes(minimum_order_value, start, end,
                                         list(segments) or None, list(regions) or None)
    return ScenarioBase.build(today, volumes, orders,
                              minimum_order_value if orders is not None else None)


def scenario_base(minimum_order_value: float = 0.0) -> ScenarioBase:
    return _scenario_base(*_filter_key(current_filters()), float(minimum_order_value))


def has_order_ids() -> bool:
    f = current_filters()
    customers = filtered_base(f).customers
    return (dataset_info().has_column("transactions", "order_id")
            and "orders" in customers.columns and float(customers["orders"].sum()) > 0)


def suggested_minimum() -> float:
    """A round minimum order near a quarter of the average order value (Kanthal preset)."""
    customers = filtered_base().customers
    orders = float(customers["orders"].sum()) if "orders" in customers.columns else 0.0
    if orders <= 0:
        return 0.0
    quarter = float(customers["net_revenue"].sum()) / orders / 4
    if quarter <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(quarter))
    return float(round(quarter / power) * power)


# -- the inputs in session state ------------------------------------------------------


def _menu_frame(base: ScenarioBase, scenario: Scenario | None = None) -> pd.DataFrame:
    rows = []
    for activity, rate in zip(base.activities, base.rate, strict=True):
        item = (scenario.item(activity) if scenario else None) or MenuItem(activity)
        rows.append([activity, round_money(float(rate)), item.fee_per_unit,
                     item.usage_response_pct, item.rate_change_pct])
    return pd.DataFrame(rows, columns=MENU_COLUMNS)


def _defaults(base: ScenarioBase) -> None:
    state = st.session_state
    for key, value in DEFAULTS.items():
        state.setdefault(key, value)
    if "pr_menu" not in state or list(state["pr_menu"]["activity"]) != list(base.activities):
        state["pr_menu"] = _menu_frame(base)
        state["pr_menu_rev"] = state.get("pr_menu_rev", 0) + 1
    if state.get("pr_order_act") not in base.activities:
        state["pr_order_act"] = guess_order_activity(base.activities) or (
            base.activities[0] if base.activities else None)


def _fill(scenario: Scenario, note: str = "") -> None:
    """Put a scenario's values into the inputs (a preset or a saved scenario)."""
    state = st.session_state
    base = scenario_base()
    unknown = [i.activity for i in scenario.menu if i.activity not in base.activities]
    orders_known = has_order_ids()
    state["pr_name"] = scenario.name
    state["pr_core"] = float(scenario.core_price_change_pct)
    state["pr_risk"] = float(scenario.at_risk_pct)
    state["pr_capacity"] = scenario.capacity_follows_usage
    minimum = scenario.minimum_order_value if orders_known else 0.0
    state["pr_min"] = float(minimum)
    state["pr_sof"] = float(scenario.small_order_fee) if minimum else 0.0
    state["pr_cons"] = float(scenario.consolidation_pct) if minimum else 0.0
    if scenario.order_activity in base.activities:
        state["pr_order_act"] = scenario.order_activity
    state["pr_scope"] = scenario.scope.kind
    key = {"quadrant": "pr_scope_q", "segment": "pr_scope_s", "customers": "pr_scope_c"}
    for kind, name in key.items():
        state[name] = list(scenario.scope.values) if scenario.scope.kind == kind else []
    state["pr_menu"] = _menu_frame(base, scenario)
    state["pr_menu_rev"] = state.get("pr_menu_rev", 0) + 1
    notes = [note or scenario.description]
    if unknown:
        notes.append("Not in this dataset, left out: " + ", ".join(unknown) + ".")
    if scenario.minimum_order_value and not orders_known:
        notes.append("The minimum order is left out: transactions have no order_id.")
    state["pr_note"] = " ".join(n for n in notes if n)


def _apply_preset(key: str) -> None:
    minimum = float(st.session_state.get("pr_min") or 0.0)
    if key == "kanthal":
        if has_order_ids():
            minimum = minimum or suggested_minimum()
        scenario = kanthal(scenario_base(minimum))
    elif key == "unbundle":
        scenario = unbundle(scenario_base())
    else:
        scenario = move_support_online(scenario_base())
    _fill(scenario)


def _reset() -> None:
    _fill(Scenario("My scenario"), note="Back to today's terms.")


def _load(name: str) -> None:
    definition = get_store().load_scenario(name)
    if definition is None:
        st.session_state["pr_note"] = f"The scenario {name} no longer exists."
        return
    try:
        scenario = Scenario.from_dict(definition)
    except (TypeError, ValueError) as exc:
        st.session_state["pr_note"] = f"The scenario {name} cannot be read: {exc}"
        return
    _fill(scenario.renamed(name), note=f"Loaded the saved scenario {name}.")


def _delete(name: str) -> None:
    get_store().delete_scenario(name)
    st.session_state["pr_compare"] = [
        n for n in st.session_state.get("pr_compare", []) if n != name
    ]
    st.session_state["pr_saved_msg"] = f"Deleted {name}."


def _menu_items(menu: pd.DataFrame) -> tuple[MenuItem, ...]:
    items = []
    for row in menu.fillna(0.0).itertuples(index=False):
        fee, response, change = (float(row.fee_per_unit), float(row.usage_response_pct),
                                 float(row.rate_change_pct))
        if fee > 0 or change != 0:
            items.append(MenuItem(str(row.activity), fee_per_unit=max(fee, 0.0),
                                  usage_response_pct=min(max(response, 0.0), 100.0),
                                  rate_change_pct=max(change, -100.0)))
    return tuple(items)


# -- the inputs -----------------------------------------------------------------------


def inputs_ui(base: ScenarioBase, orders_known: bool, customers: pd.DataFrame) -> Scenario:
    """Every input of the scenario model; returns the scenario they describe."""
    state = st.session_state
    st.markdown("**Presets**")
    for key, label in PRESET_BUTTONS:
        st.button(label, key=f"pr_preset_{key}", on_click=_apply_preset, args=(key,),
                  width="stretch")
    st.button("Reset to today's terms", key="pr_reset", on_click=_reset,
              icon=":material/restart_alt:", width="stretch")
    if state.get("pr_note"):
        st.caption(md_escape(state["pr_note"]))

    st.markdown("**Core price and customers' response**")
    st.slider("Core price change (%)", -50.0, 50.0, step=0.5, key="pr_core", format="%.1f%%",
              help="Change of the price of the core product; negative when unbundling.")
    st.slider("At risk above a bill increase of (%)", 0.0, 50.0, step=0.5, key="pr_risk",
              format="%.1f%%",
              help="A customer whose bill (net revenue plus fees) rises by more than this "
              "counts as at risk of leaving.")
    st.toggle("Capacity follows usage", key="pr_capacity",
              help="On: usage customers give up saves its cost. Off: the time freed on "
              "timed activities stays as unused capacity, so its cost is not saved.")

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
    st.slider("Small orders consolidated (%)", 0.0, 100.0, step=5.0, key="pr_cons",
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
    return Scenario(
        name=str(state.get("pr_name") or "Scenario"),
        menu=_menu_items(state["pr_menu_edited"]),
        core_price_change_pct=float(state["pr_core"]),
        minimum_order_value=minimum,
        small_order_fee=float(state["pr_sof"] or 0) if minimum else 0.0,
        consolidation_pct=float(state["pr_cons"] or 0) if minimum else 0.0,
        order_activity=state.get("pr_order_act") if minimum else None,
        capacity_follows_usage=bool(state["pr_capacity"]),
        at_risk_pct=float(state["pr_risk"]),
        scope=scope,
    )


def menu_ui(base: ScenarioBase) -> None:
    """The service menu: a fee, a usage response and a rate change per activity."""
    state = st.session_state
    st.subheader("Service menu")
    if not base.activities:
        st.info("This dataset has no activities, so there is nothing to put a fee on: fees "
                "need activities. Add activities.csv and a rate card on the Data page.",
                icon=":material/info:")
        state["pr_menu_edited"] = state["pr_menu"]
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
                "Rate change", width="small", min_value=-100.0, max_value=500.0, step=1.0,
                format="%.1f%%",
                help="Change of the activity's cost rate (negative: cheaper)."),
        },
    )


# -- the results ----------------------------------------------------------------------


def kpis_ui(result: ScenarioResult) -> None:
    f = result.figures
    change = f["profit_after"] - f["profit_before"]
    share = (f"{format_pct(100 * change / abs(f['profit_before']))} of today"
             if f["profit_before"] else None)
    top = st.columns(3)
    bottom = st.columns(3)
    exact = {key: format_money(f[key], CURRENCY) for key in
             ("profit_before", "profit_after", "profit_at_stake", "profit_after_at_risk")}
    top[0].metric("Profit today", format_money_short(f["profit_before"], CURRENCY),
                  help=f"Today's operating profit. Exactly {exact['profit_before']}.",
                  border=True)
    top[1].metric("Profit after", format_money_short(f["profit_after"], CURRENCY),
                  help=f"The scenario's operating profit. Exactly "
                  f"{format_money(f['profit_after'], CURRENCY)}.", border=True)
    top[2].metric("Change", format_money_short(change, CURRENCY), delta=share,
                  delta_color="normal" if change else "off",
                  help=f"Exactly {format_money(change, CURRENCY)}.", border=True)
    customers = f["customers"]
    bottom[0].metric("Paying more", f"{f['customers_paying_more']:,}",
                     delta=f"{format_pct(100 * f['customers_paying_more'] / customers)} of "
                     "customers" if customers else None, delta_color="off", delta_arrow="off",
                     help="Customers whose bill (net revenue plus fees) rises.", border=True)
    bottom[1].metric("At risk", f"{f['customers_at_risk']:,}",
                     delta=f"bill > +{format_pct(result.scenario.at_risk_pct)}",
                     delta_color="off", delta_arrow="off", border=True,
                     help="Customers whose bill rises by more than the at-risk threshold.")
    bottom[2].metric("Profit at stake", format_money_short(f["profit_at_stake"], CURRENCY),
                     help="Today's operating profit of the at-risk customers, lost if they "
                     f"leave. Exactly {exact['profit_at_stake']}; after the scenario they "
                     f"would earn {exact['profit_after_at_risk']}.",
                     border=True)


def bridge_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Profit bridge")
        st.caption("From today's operating profit to the scenario's, effect by effect. "
                   f"Scope: {md_escape(result.scenario.scope.label)}.")
        show_chart(scenario_bridge_figure(result.bridge, CURRENCY), "profit-bridge",
                   key="pr_bridge")


def whale_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Whale curve before and after")
        show_chart(
            whale_comparison_figure([("Today", result.whale_before),
                                     (result.scenario.name, result.whale_after)], CURRENCY),
            "whale-before-after", key="pr_whale",
        )
        before, after = result.whale_before.summary, result.whale_after.summary
        st.text(
            f"Unprofitable customers: {before.unprofitable_customers:,} today, "
            f"{after.unprofitable_customers:,} after. Peak of the curve: "
            f"{format_pct(before.peak_pct)} today, {format_pct(after.peak_pct)} after."
        )


def migration_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Movements between quadrants")
        st.caption("Customers by quadrant today (rows) and after (columns), placed with "
                   "today's thresholds so a move is a real move.")
        counts = result.migration
        moved = int(counts.to_numpy().sum() - counts.to_numpy().trace())
        # A static table: a 4x4 grid needs no scrolling or sorting, and the interactive
        # grid's deferred redraw would cost a slider move ~0.2 s in the browser.
        table = counts.rename(index=LABELS, columns=LABELS).map("{:,}".format)
        table.index.name = "Today ↓ / after →"
        st.table(table)
        st.text(f"{moved:,} customer(s) change quadrant.")
        show_chart(migration_sankey_figure(result.migration), "quadrant-movements",
                   key="pr_sankey")


def impact_frame(result: ScenarioResult, customers: pd.DataFrame,
                 rows: np.ndarray | None = None) -> pd.DataFrame:
    """The per-customer impact, with names and segments, for the table and downloads:
    every customer by id, or the ``rows`` (positions in ``result.pnl``) in that order."""
    frame = result.pnl_export(rows)
    extra = [c for c in ("name", "segment") if c in customers.columns]
    if extra:
        found = customers[extra].reindex(frame["customer_id"])
        for column in extra:
            frame.insert(1 + extra.index(column), column, found[column].to_numpy())
    frame["bill_change"] = round_money(frame["net_revenue_after"] + frame["fee_revenue"]
                                       - frame["net_revenue_before"])
    for column in ("quadrant_before", "quadrant_after"):
        frame[column] = frame[column].astype(str).map(LABELS)
    return frame


def payer_rows(result: ScenarioResult) -> np.ndarray:
    """Positions in ``result.pnl`` of the customers who pay more (by a cent or more),
    largest increase in % first, ties by customer id: the order of the table."""
    pnl = result.pnl

    def money(column: str) -> np.ndarray:
        return round_money(pnl[column].to_numpy(dtype=float))

    change = round_money(money("net_revenue_after") + money("fee_revenue")
                         - money("net_revenue_before"))
    rows = np.flatnonzero(change >= PAYS_MORE_FROM)
    pct = pnl["bill_change_pct"].to_numpy(dtype=float)[rows].round(4)
    ids = pnl.index.to_numpy()[rows].astype(str)
    return rows[np.lexsort((ids, -pct))]


IMPACT_COLUMNS = {
    "customer_id": st.column_config.TextColumn("Customer"),
    "name": st.column_config.TextColumn("Name"),
    "segment": st.column_config.TextColumn("Segment"),
    "bill_change": money_column("Bill change"),
    "bill_change_pct": pct_column("Bill change %"),
    "at_risk": st.column_config.CheckboxColumn("At risk"),
    "net_revenue_before": money_column("Net revenue today"),
    "net_revenue_after": money_column("Net revenue after"),
    "fee_revenue": money_column("Fees"),
    "cost_to_serve_before": money_column("Cost to serve today"),
    "cost_to_serve_after": money_column("Cost to serve after"),
    "profit_before": money_column("Profit today"),
    "profit_after": money_column("Profit after"),
    "quadrant_before": st.column_config.TextColumn("Quadrant today"),
    "quadrant_after": st.column_config.TextColumn("Quadrant after"),
}


def stake_sentence(figures: dict) -> str:
    stake = figures["profit_at_stake"]
    if figures["customers_at_risk"] == 0:
        return "Nobody is at risk, so no profit is at stake."
    if stake >= 0:
        return (f"If the at-risk customers leave, {format_money(stake, CURRENCY)} of today's "
                "operating profit goes with them.")
    return (f"The at-risk customers lose {format_money(-stake, CURRENCY)} today: if they leave, "
            "today's operating profit rises by that much.")


def payers_ui(result: ScenarioResult, customers: pd.DataFrame) -> None:
    with st.container(border=True):
        st.subheader("Customers who pay more")
        f = result.figures
        rows = payer_rows(result)
        st.caption(
            f"{f['customers_paying_more']:,} customer(s) pay more; "
            f"{f['customers_at_risk']:,} of them by more than "
            f"{format_pct(result.scenario.at_risk_pct)} (at risk). {stake_sentence(f)} "
            "Click a column header to sort."
        )
        if not len(rows):
            st.info("Nobody pays more in this scenario.", icon=":material/info:")
        else:
            shown = impact_frame(result, customers, rows[:MAX_PAYERS_SHOWN])
            order = [c for c in IMPACT_COLUMNS if c in shown.columns]
            st.dataframe(shown[order], hide_index=True, width="stretch", height=360,
                         column_config=IMPACT_COLUMNS)
            if len(rows) > MAX_PAYERS_SHOWN:
                st.caption(f"The {MAX_PAYERS_SHOWN:,} largest increases are shown; the "
                           "downloads hold every customer.")
        st.caption("Download the impact on every customer:")
        download_buttons(lambda: impact_frame(result, customers), "scenario-customer-impact",
                         key="pr_impact")


def menu_check_ui(result: ScenarioResult) -> None:
    check = result.menu_check
    with st.container(border=True):
        st.subheader("Menu consistency (Anderson & Narus)")
        st.caption(
            "For collaborative customers (those using more than half of the services on "
            "the menu), the menu prices of the services they use today should add up to "
            "more than the premium the full-service bundle carries (the core price cut "
            "they give up by keeping the bundle): the bundle is cheaper to provide."
        )
        if not check.applicable:
            st.info(md_escape(check.note), icon=":material/info:")
            return
        columns = st.columns(3)
        columns[0].metric("Collaborative customers", f"{check.collaborative_customers:,}",
                          border=True)
        columns[1].metric("Menu prices of the services they use",
                          format_money_short(check.menu_total, CURRENCY),
                          help=f"Exactly {format_money(check.menu_total, CURRENCY)}.",
                          border=True)
        columns[2].metric("Bundle premium", format_money_short(check.bundle_premium, CURRENCY),
                          help=f"Exactly {format_money(check.bundle_premium, CURRENCY)}.",
                          border=True)
        if check.consistent:
            st.success(md_escape(check.note), icon=":material/check_circle:")
        else:
            st.warning(md_escape(check.note), icon=":material/warning:")
        if check.undercut_customers:
            st.text(f"{check.undercut_customers:,} collaborative customer(s) would pay less à "
                    "la carte than the bundle premium.")


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
            exists = name in {n for n, _ in get_store().scenarios()}
            get_store().save_scenario(name, scenario.renamed(name).to_dict())
            st.session_state["pr_saved_msg"] = (
                f"Saved {name}" + (" (replacing the scenario of that name)." if exists else ".")
            )
            st.rerun(scope="app")  # the saved list below is outside the fragment


@st.fragment
def studio() -> None:
    """Inputs and results: a slider move reruns only this."""
    orders_known = has_order_ids()
    base0 = scenario_base()
    _defaults(base0)
    customers = filtered_base().customers
    controls, results = st.columns([5, 8], gap="medium")
    with results:
        figures_box = st.container()
        with st.container(border=True):
            menu_ui(base0)  # drawn below the results, read first: the scenario needs it
    with controls, st.container(border=True):
        st.subheader("Scenario")
        scenario = inputs_ui(base0, orders_known, customers)
    with figures_box:
        minimum = scenario.minimum_order_value
        try:
            result = (scenario_base(minimum) if minimum else base0).run(scenario)
        except (ValueError, KeyError, OrderIdsMissing) as exc:
            st.error(md_escape(f"This scenario cannot run: {exc}"))
            return
        kpis_ui(result)
        bridge_ui(result)
    whale_ui(result)
    migration_ui(result)
    payers_ui(result, customers)
    menu_check_ui(result)
    save_ui(scenario)


# -- saved scenarios --------------------------------------------------------------------


def comparison_rows(results: list[tuple[str, ScenarioResult]]) -> pd.DataFrame:
    first = results[0][1].figures
    rows = [{"scenario": "Today", "profit": first["profit_before"], "change": 0.0,
             "fee_revenue": 0.0, "cost_saved": 0.0, "core_price_effect": 0.0,
             "small_order_effect": 0.0, "unsaved_capacity_cost": 0.0,
             "customers_paying_more": 0, "customers_at_risk": 0, "profit_at_stake": 0.0}]
    for name, result in results:
        f = result.figures
        rows.append({
            "scenario": name, "profit": f["profit_after"],
            "change": round_money(f["profit_after"] - f["profit_before"]),
            "fee_revenue": f["fee_revenue"], "cost_saved": f["cost_saved"],
            "core_price_effect": f["core_price_effect"],
            "small_order_effect": f["small_order_effect"],
            "unsaved_capacity_cost": f["unsaved_capacity_cost"],
            "customers_paying_more": f["customers_paying_more"],
            "customers_at_risk": f["customers_at_risk"],
            "profit_at_stake": f["profit_at_stake"],
        })
    return pd.DataFrame(rows)


def run_saved(name: str) -> ScenarioResult | str:
    """A saved scenario's result on today's data, or why it cannot run."""
    definition = get_store().load_scenario(name)
    if definition is None:
        return "it no longer exists"
    try:
        scenario = Scenario.from_dict(definition).renamed(name)
        minimum = scenario.minimum_order_value
        if minimum and not has_order_ids():
            return "it sets a minimum order, and transactions have no order_id"
        return scenario_base(minimum).run(scenario)
    except (TypeError, ValueError, KeyError, OrderIdsMissing) as exc:
        return str(exc)


def saved_ui() -> None:
    st.header("Saved scenarios")
    state = st.session_state
    message = state.pop("pr_saved_msg", None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")
    saved = get_store().scenarios()
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
        load.button("Load", key="pr_load", on_click=_load, args=(picked,),
                    icon=":material/upload:", width="stretch",
                    help="Put this scenario's values into the inputs above.")
        delete.button("Delete", key="pr_delete", on_click=_delete, args=(picked,),
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
        table = comparison_rows(results)
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={
                "scenario": st.column_config.TextColumn("Scenario"),
                "profit": money_column("Operating profit"),
                "change": money_column("Change"),
                "fee_revenue": money_column("Fee revenue"),
                "cost_saved": money_column("Cost saved"),
                "core_price_effect": money_column("Core price effect"),
                "small_order_effect": money_column("Small-order effect"),
                "unsaved_capacity_cost": money_column("Unsaved capacity"),
                "customers_paying_more": st.column_config.NumberColumn("Paying more",
                                                                       format="%,d"),
                "customers_at_risk": st.column_config.NumberColumn("At risk", format="%,d"),
                "profit_at_stake": money_column("Profit at stake"),
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

filters = current_filters()
st.title("Pricing scenarios")
st.caption(
    "Try menu pricing (Anderson & Narus), Kanthal's surcharge on order changes with a "
    "minimum order, or cheaper activities, and see each customer's P&L change. "
    f"Selection: {md_escape(filters.describe())}."
)
thin_data_ui(dataset_info())
if filtered_base(filters).customers.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
studio()
saved_ui()
