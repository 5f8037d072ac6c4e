"""The Exit or transform page's data: the chosen customers' exit figures, the scenario to
transform them with (the Pricing page's, else a preset) and the hand-over to Pricing.
Under the sidebar's :class:`~analytics.selection.Selection` (``current_selection``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.exit import Chosen, ExitOutcome, choose, exit_outcome, transform_outcome
from analytics.scenario import (
    Scenario,
    ScenarioBase,
    kanthal,
    move_support_online,
    suggested_minimum,
    unbundle,
)
from pages.ui.frame import current_selection
from pages.ui.scenario_state import fill, from_inputs, has_order_ids, scenario_base
from pages.ui.state import analysis, customer_base


def _today():
    return analysis(current_selection())

PRICING_PAGE = "pages/pricing.py"
SNAPSHOT = "ex_pricing_scenario"
PRESETS = {
    "kanthal": "Kanthal: charge for order changes and set a minimum order",
    "unbundle": "Unbundle: lower core price, every service on the menu",
    "support_online": "Move support online: lower the support rates",
}


def chosen(kind: str, value) -> Chosen:
    """The customers chosen under the sidebar's filters (a ValueError says what is
    unknown)."""
    return choose(_today().pnl, **{kind: value})


def exit_figures(who: Chosen) -> ExitOutcome:
    return exit_outcome(_today(), customer_base(current_selection()).volumes, who)


def segments() -> list[str]:
    pnl = _today().pnl
    if "segment" not in pnl.columns:
        return []
    return sorted({str(s) for s in pnl["segment"].dropna()})


def customer_labels() -> dict[str, str]:
    """Each customer id with its name, for the picker (shown as text)."""
    pnl = _today().pnl
    ids = [str(c) for c in pnl.index]
    if "name" not in pnl.columns:
        return dict(zip(ids, ids, strict=True))
    return {i: i if pd.isna(n) else f"{i} · {n}"
            for i, n in zip(ids, pnl["name"], strict=True)}


def pricing_scenario() -> Scenario | None:
    """The scenario set on the Pricing page in this session, if it changes anything.

    Streamlit drops the Pricing page's widget values at the end of the first run of
    another page, so that first run keeps a copy of the scenario."""
    state = st.session_state
    if "pr_core" in state and "pr_menu_edited" in state:
        try:
            scenario = from_inputs(name="Pricing page scenario")
        except (TypeError, ValueError, KeyError):
            scenario = None
        changes = scenario is not None and (
            any(not i.is_neutral for i in scenario.menu) or scenario.core_price_change_pct
            or scenario.minimum_order_value)
        state[SNAPSHOT] = scenario if changes else None
    return state.get(SNAPSHOT)


def preset(key: str) -> Scenario:
    if key == "kanthal":
        customers = customer_base(current_selection()).customers
        minimum = suggested_minimum(customers) if has_order_ids() else 0.0
        return kanthal(scenario_base(minimum))
    if key == "unbundle":
        return unbundle(scenario_base())
    return move_support_online(scenario_base())


def base_for(scenario: Scenario) -> ScenarioBase:
    return scenario_base(scenario.minimum_order_value)


def transform(scenario: Scenario, who: Chosen) -> dict | str:
    """The scenario applied to ``who`` only, or why it cannot run."""
    try:
        return transform_outcome(base_for(scenario), scenario, who.scope)
    except (ValueError, KeyError) as exc:
        return str(exc)


def open_in_pricing(scenario: Scenario, who: Chosen) -> None:
    """Set the Pricing page's inputs to ``scenario`` for ``who`` only, and go there."""
    fill(scenario.with_changes(scope=who.scope),
         note=f"From Exit or transform: {scenario.name}, for {who.label} only.")
    params = st.query_params  # the sidebar's filters travel in the URL
    st.switch_page(PRICING_PAGE, query_params=[
        (key, value) for key in params if key != "quadrant" for value in params.get_all(key)])
