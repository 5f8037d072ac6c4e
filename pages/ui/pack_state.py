"""The board pack's data: the saved scenarios run on the selection the pack is built for
(the Pricing page's models, :mod:`pages.ui.scenario_state`, cached per selection)."""

from __future__ import annotations

from analytics.scenario import Scenario, ScenarioResult
from analytics.selection import Selection
from pages.ui.scenario_state import has_order_ids, saved_scenarios, scenario_base
from pages.ui.state import OrderIdsMissing, get_store

__all__ = ["run_saved_on", "saved_scenarios"]


def run_saved_on(name: str, selection: Selection) -> ScenarioResult | str:
    """The saved scenario ``name`` run on ``selection``'s customers (as the Pricing page
    runs it on the sidebar's), or why it cannot run."""
    definition = get_store().load_scenario(name)
    if definition is None:
        return "it no longer exists"
    try:
        scenario = Scenario.from_dict(definition).renamed(name)
        minimum = scenario.minimum_order_value
        if minimum and not has_order_ids(selection):
            return "it sets a minimum order, and transactions have no order_id"
        return scenario_base(minimum, selection).run(scenario)
    except (TypeError, ValueError, KeyError, OrderIdsMissing) as exc:
        return str(exc)
