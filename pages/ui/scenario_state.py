"""The Pricing page's scenario model and inputs in session state: the cached base, the
inputs a preset or a saved scenario fills, and saved scenarios run on today's data.

Everything here works on a :class:`~analytics.selection.Selection`: the one given, else
the sidebar's (:func:`~pages.ui.frame.current_selection`; button callbacks run before the
page script and have no other)."""

from __future__ import annotations

import streamlit as st

from analytics.scenario import (
    Scenario,
    ScenarioBase,
    ScenarioResult,
    Scope,
    guess_order_activity,
    kanthal,
    menu_table,
    move_support_online,
    parse_menu_table,
    suggested_minimum,
    unbundle,
)
from pages.ui.frame import current_selection
from pages.ui.state import (
    OrderIdsMissing,
    Selection,
    also_clear,
    analysis,
    customer_base,
    dataset_info,
    get_store,
    order_sizes,
    version,
)

DEFAULTS = {
    "pr_name": "My scenario",
    "pr_core": 0.0,
    "pr_elastic": 0.0,
    "pr_risk": 10.0,
    "pr_defect": 0.0,
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


@st.cache_resource(max_entries=8, show_spinner="Preparing the scenario model…")
def _scenario_base(version: str, selection: Selection,
                   minimum_order_value: float) -> ScenarioBase:
    """Today's P&L as arrays, with order sizes for a minimum order (0: none); read-only,
    so one base serves every session. ``version`` keys the cache."""
    today = analysis(selection)
    volumes = customer_base(selection).volumes
    orders = None
    if minimum_order_value > 0:
        orders = order_sizes(selection, minimum_order_value)
    return ScenarioBase.build(today, volumes, orders,
                              minimum_order_value if orders is not None else None)


also_clear(_scenario_base)


def scenario_base(minimum_order_value: float = 0.0,
                  selection: Selection | None = None) -> ScenarioBase:
    """The scenario model of ``selection`` (default: the sidebar's), its filters only:
    a scenario runs on today's median-split analysis."""
    chosen = (selection or current_selection()).filters
    return _scenario_base(version(), chosen, float(minimum_order_value))


def has_order_ids(selection: Selection | None = None) -> bool:
    customers = customer_base(selection or current_selection()).customers
    return (dataset_info().has_column("transactions", "order_id")
            and "orders" in customers.columns and float(customers["orders"].sum()) > 0)


def defaults(base: ScenarioBase) -> None:
    state = st.session_state
    for key, value in DEFAULTS.items():
        state.setdefault(key, value)
    if "pr_menu" not in state or list(state["pr_menu"]["activity"]) != list(base.activities):
        state["pr_menu"] = menu_table(base)
        state["pr_menu_rev"] = state.get("pr_menu_rev", 0) + 1
    if state.get("pr_order_act") not in base.activities:
        state["pr_order_act"] = guess_order_activity(base.activities) or (
            base.activities[0] if base.activities else None)


def from_inputs(scope: Scope | None = None, minimum: float | None = None,
                name: str = "Scenario") -> Scenario:
    """The scenario the Pricing page's inputs describe (the inverse of :func:`fill`), for
    that page and for any page that applies it elsewhere (Exit or transform).

    ``minimum`` overrides the minimum order value (the page sets 0 when orders are
    unknown); the menu must parse (a refused menu raises ValueError, as the page runs no
    scenario with it)."""
    state = st.session_state
    menu = parse_menu_table(state["pr_menu_edited"])
    if not menu.ok:
        raise ValueError("the service menu has values it cannot take")
    if minimum is None:
        minimum = float(state.get("pr_min") or 0.0)
    return Scenario(
        name=str(state.get("pr_name") or name),
        menu=menu.items,
        core_price_change_pct=float(state["pr_core"]),
        minimum_order_value=minimum,
        small_order_fee=float(state.get("pr_sof") or 0.0) if minimum else 0.0,
        consolidation_pct=float(state.get("pr_cons") or 0.0) if minimum else 0.0,
        order_activity=state.get("pr_order_act") if minimum else None,
        capacity_follows_usage=bool(state.get("pr_capacity")),
        at_risk_pct=float(state.get("pr_risk", 10.0)),
        scope=scope or Scope(),
        core_volume_elasticity=float(state.get("pr_elastic") or 0.0),
        at_risk_defection_pct=float(state.get("pr_defect") or 0.0),
    )


def fill(scenario: Scenario, note: str = "") -> None:
    """Put a scenario's values into the inputs (a preset or a saved scenario)."""
    state = st.session_state
    state.pop("pr_linked", None)  # the link names a saved scenario only once it is loaded
    base = scenario_base()
    unknown = [i.activity for i in scenario.menu if i.activity not in base.activities]
    orders_known = has_order_ids()
    state["pr_name"] = scenario.name
    state["pr_core"] = float(scenario.core_price_change_pct)
    state["pr_risk"] = float(scenario.at_risk_pct)
    state["pr_elastic"] = max(-2.0, min(0.0, float(scenario.core_volume_elasticity)))
    state["pr_defect"] = float(scenario.at_risk_defection_pct)
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
    state["pr_menu"] = menu_table(base, scenario)
    state["pr_menu_rev"] = state.get("pr_menu_rev", 0) + 1
    notes = [note or scenario.description]
    if unknown:
        notes.append("Not in this dataset, left out: " + ", ".join(unknown) + ".")
    if scenario.minimum_order_value and not orders_known:
        notes.append("The minimum order is left out: transactions have no order_id.")
    state["pr_note"] = " ".join(n for n in notes if n)


def apply_preset(key: str) -> None:
    minimum = float(st.session_state.get("pr_min") or 0.0)
    if key == "kanthal":
        if has_order_ids():
            customers = customer_base(current_selection()).customers
            minimum = minimum or suggested_minimum(customers)
        scenario = kanthal(scenario_base(minimum))
    elif key == "unbundle":
        scenario = unbundle(scenario_base())
    else:
        scenario = move_support_online(scenario_base())
    fill(scenario)


def reset() -> None:
    fill(Scenario("My scenario"), note="Back to today's terms.")


def saved_scenario(name: str) -> Scenario | str:
    """The saved scenario of ``name``, or why there is none to load."""
    definition = get_store().load_scenario(name)
    if definition is None:
        return "no saved scenario has that name"
    try:
        return Scenario.from_dict(definition).renamed(name)
    except (TypeError, ValueError) as exc:
        return f"it cannot be read: {exc}"


def link_saved(name: str) -> None:
    """The inputs were just filled with the saved scenario ``name``: the page's link
    names it until an input changes (pages/ui/scenario_url.py)."""
    st.session_state["pr_linked"] = (name, None)


def load_saved(name: str) -> None:
    scenario = saved_scenario(name)
    if isinstance(scenario, str):
        st.session_state["pr_note"] = f"The scenario {name} cannot be loaded: {scenario}."
        return
    fill(scenario, note=f"Loaded the saved scenario {name}.")
    link_saved(name)


def delete_saved(name: str) -> None:
    get_store().delete_scenario(name)
    st.session_state["pr_compare"] = [
        n for n in st.session_state.get("pr_compare", []) if n != name
    ]
    st.session_state["pr_saved_msg"] = f"Deleted {name}."


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


def run_scenario(scenario: Scenario, base: ScenarioBase) -> ScenarioResult | str:
    """``scenario`` run on ``base`` (today's base without a minimum order; the base with
    one when the scenario sets it), or why it cannot run."""
    minimum = scenario.minimum_order_value
    try:
        return (scenario_base(minimum) if minimum else base).run(scenario)
    except (ValueError, KeyError, OrderIdsMissing) as exc:
        return str(exc)


def saved_scenarios() -> list[tuple[str, object]]:
    """The saved scenarios' names and when each was saved."""
    return get_store().scenarios()


def save_scenario(name: str, scenario: Scenario) -> bool:
    """Save ``scenario`` under ``name``; True when it replaced one of that name."""
    exists = name in {n for n, _ in get_store().scenarios()}
    get_store().save_scenario(name, scenario.renamed(name).to_dict())
    return exists
