"""The Data page's cost-drivers step: resources, drivers counted from the invoice lines,
and their live preview. Drivers live in ``st.session_state`` until the load."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analytics.metrics import format_money
from pages.ui.data_state import PER, PER_LABELS, Condition, Driver, ResourceSpec
from pages.ui.state import CURRENCY
from pages.ui.widgets import md_escape, money_column

DRIVERS_KEY = "data_drivers"
RESOURCES_KEY = "data_resources"
FORM = "driver_form_"  # prefix of the add-a-driver widgets' keys
EVERY_LINE = "(every line)"
FEW_VALUES = 12  # a column with at most this many values gets one driver per value
OPERATORS = ("<", "<=", ">", ">=", "=", "<>")
state = st.session_state


def drivers() -> tuple[Driver, ...]:
    return tuple(state.get(DRIVERS_KEY, ()))


def resources() -> tuple[ResourceSpec, ...]:
    return tuple(state.get(RESOURCES_KEY, ()))


def set_recipe_drivers(found: tuple[Driver, ...], given: tuple[ResourceSpec, ...]) -> None:
    """Start the step from a recipe's drivers and resources."""
    state[DRIVERS_KEY] = list(found)
    state[RESOURCES_KEY] = list(given)
    state.pop("driver_resources_editor", None)
    state["driver_resources_version"] = state.get("driver_resources_version", 0) + 1


def resources_ui() -> tuple[ResourceSpec, ...]:
    """The resource groups drivers may run on (time-driven ABC): cost and capacity."""
    st.markdown("**Resources** (for drivers timed in minutes or hours)")
    st.caption("A team or asset whose time the drivers use: its cost over the data's period "
               "and its practical capacity in the same unit as the drivers' unit times. "
               "Capacity cost rate = cost / capacity.")
    current = resources()
    frame = pd.DataFrame({
        "resource": [r.resource for r in current],
        "cost": [r.cost for r in current],
        "capacity": [r.capacity for r in current],
    }).astype({"resource": "string", "cost": "float64", "capacity": "float64"})
    edited = st.data_editor(
        frame, num_rows="dynamic", hide_index=True, width="stretch",
        key=f"driver_resources_{state.get('driver_resources_version', 0)}",
        column_config={
            "resource": st.column_config.TextColumn("Resource", required=True),
            "cost": st.column_config.NumberColumn("Cost", min_value=0.0, format="%.2f"),
            "capacity": st.column_config.NumberColumn("Practical capacity", min_value=0.0,
                                                      format="%.0f"),
        },
    )
    found, problems = [], []
    for row in edited.itertuples(index=False):
        name = "" if pd.isna(row.resource) else str(row.resource).strip()
        if not name:
            continue
        cost, capacity = row.cost, row.capacity
        if pd.isna(cost) or pd.isna(capacity) or capacity <= 0 or cost < 0:
            problems.append(name)
            continue
        found.append(ResourceSpec(name, float(cost), float(capacity)))
    for name in problems:
        st.warning(f"{md_escape(name)}: give a cost of 0 or more and a capacity above 0.",
                   icon=":material/warning:")
    state[RESOURCES_KEY] = found
    return tuple(found)


def _prefill(activity: str, per: str, column: str = EVERY_LINE, op: str | None = None,
             number: float = 0.0) -> None:
    state[FORM + "activity"] = activity
    state[FORM + "per"] = per
    state[FORM + "column"] = column
    if op is not None:
        state[FORM + "test"] = "compares with a number"
        state[FORM + "op"] = op
        state[FORM + "number"] = number


def _rate_from_form(given: tuple[ResourceSpec, ...]) -> dict | None:
    if state.get(FORM + "rate_kind", "Cost per unit") == "Cost per unit":
        cost = float(state.get(FORM + "cost", 0.0))
        return {"cost_per_unit": cost} if cost > 0 else None
    resource = state.get(FORM + "resource")
    if not resource or resource not in {r.resource for r in given}:
        return None
    if float(state.get(FORM + "unit_time", 0.0)) <= 0:
        return None
    return {"resource": resource, "unit_time": float(state.get(FORM + "unit_time", 0.0))}


def _add(driver: Driver) -> str | None:
    current = list(drivers())
    if driver.activity in {d.activity for d in current}:
        return f'There is already a driver named "{driver.activity}": choose another name.'
    problems = driver.problems()
    if problems:
        return problems[0][1][:1].upper() + problems[0][1][1:] + "."
    current.append(driver)
    state[DRIVERS_KEY] = current
    return None


def _add_from_form(given: tuple[ResourceSpec, ...]) -> None:
    activity = str(state.get(FORM + "activity", "")).strip()
    column = state.get(FORM + "column", EVERY_LINE)
    rate = _rate_from_form(given)
    where: tuple[Condition, ...] = ()
    message = None
    if not activity:
        message = "Name the activity the driver counts."
    elif rate is None:
        message = ("Give the driver's rate: a cost per unit above 0, or a resource (add one "
                   "above first) and a unit time above 0.")
    elif column != EVERY_LINE:
        if state.get(FORM + "test", "is one of") == "is one of":
            values = tuple(state.get(FORM + "values", ()))
            if not values:
                message = f"Choose the values of {column} that count."
            where = (Condition(column, values=values),)
        else:
            op = state.get(FORM + "op", "<")
            where = (Condition(column, op=op, number=float(state.get(FORM + "number", 0.0))),)
    if message is None:
        message = _add(Driver(activity, state.get(FORM + "per", "order"), where, **rate,
                              relationship=bool(state.get(FORM + "relationship", False))))
    if message is None:  # the next driver starts from a clean name and flag
        state[FORM + "activity"] = ""
        state[FORM + "relationship"] = False
    state["driver_form_message"] = message


def _add_per_value(column: str, values: list[str], given: tuple[ResourceSpec, ...]) -> None:
    rate = _rate_from_form(given)
    if rate is None:
        state["driver_form_message"] = ("Give the drivers' rate first: a cost per unit above "
                                        "0, or a resource and a unit time above 0.")
        return
    messages = [_add(Driver(f"{column}: {value}", "order", (Condition(column, (value,)),),
                            **rate)) for value in values]
    state["driver_form_message"] = next((m for m in messages if m), None)


def drivers_ui(preview, given: tuple[ResourceSpec, ...], quantity_header: str | None,
               order_header: str | None) -> tuple[Driver, ...]:
    """The add-a-driver controls and the current drivers; returns the drivers."""
    # Defaults through the session state only: the quick buttons set the same keys.
    for key, value in (("number", 0.0), ("cost", 0.0), ("unit_time", 1.0)):
        state.setdefault(FORM + key, value)
    st.markdown("**Add a driver**")
    st.caption("Common drivers in one click (they fill in the form below), or build your own: "
               "what to count, on which lines, and its rate.")
    quick = st.columns(4)
    quick[0].button("Orders", on_click=_prefill, args=("Order handling", "order"),
                    disabled=order_header is None, width="stretch",
                    help="Distinct order ids per customer (needs order_id).")
    quick[1].button("Invoice lines", on_click=_prefill, args=("Order lines", "line"),
                    width="stretch")
    quick[2].button("Returns", on_click=_prefill,
                    args=("Returns", "line", quantity_header or EVERY_LINE, "<", 0.0),
                    disabled=quantity_header is None, width="stretch",
                    help="Lines with a negative quantity (needs quantity).")
    few = [h for h in preview.headers if 1 < preview.distinct_count(h) <= FEW_VALUES]
    with quick[3].popover("One per value…", width="stretch",
                          disabled=not few or order_header is None,
                          help="One per-order driver per value of a column such as a ship "
                          "mode (needs order_id)."):
        column = st.selectbox("Column", few, key="driver_per_value_column",
                              help="A column with few values, such as a ship mode or a "
                              "priority: one per-order driver for each value, at the rate "
                              "set below.")
        if column:
            values = preview.values(column)["value"].tolist()
            st.caption(md_escape(", ".join(values)))
            st.button("Add one driver per value", on_click=_add_per_value,
                      args=(column, values, given), key="driver_per_value_add")
    left, middle, right = st.columns([2, 1, 2])
    left.text_input("Activity", key=FORM + "activity", placeholder="e.g. Expedited order")
    middle.selectbox("Count per", PER, key=FORM + "per",
                     format_func=lambda p: {"order": "order (distinct ids)", "line": "line",
                                            "unit": "unit (|quantity|)"}[p])
    column = right.selectbox("Only lines where", [EVERY_LINE, *preview.headers],
                             key=FORM + "column")
    if column != EVERY_LINE:
        test = st.radio("Test", ("is one of", "compares with a number"), horizontal=True,
                        key=FORM + "test", label_visibility="collapsed")
        if test == "is one of":
            options = preview.values(column)["value"].tolist()
            st.multiselect(f"{md_escape(column)} is one of", options, key=FORM + "values",
                           placeholder="Choose values…")
        else:
            ops = st.columns([1, 2])
            ops[0].selectbox("Comparison", OPERATORS, key=FORM + "op")
            ops[1].number_input("Number", key=FORM + "number")
    rate_cols = st.columns([2, 2, 2])
    kind = rate_cols[0].radio("Rate", ("Cost per unit", "Time on a resource"),
                              key=FORM + "rate_kind")
    if kind == "Cost per unit":
        rate_cols[1].number_input("Cost per unit", min_value=0.0, step=1.0, format="%.2f",
                                  key=FORM + "cost")
    else:
        rate_cols[1].selectbox("Resource", [r.resource for r in given], key=FORM + "resource",
                               placeholder="Add a resource above")
        rate_cols[2].number_input("Unit time", min_value=0.0, step=1.0, key=FORM + "unit_time",
                                  help="Minutes (or the resource's capacity unit) per unit.")
    st.checkbox("Relationship investment", key=FORM + "relationship",
                help="Visits, account management, guest engineers, joint teams: the "
                "Relationships page counts this cost as investment in the relationship "
                "(and finds transactional customers who get too much of it).")
    st.button("Add driver", type="primary", icon=":material/add:", on_click=_add_from_form,
              args=(given,))
    if message := state.pop("driver_form_message", None):
        st.warning(md_escape(message), icon=":material/warning:")
    return drivers()


def driver_preview_ui(preview, found: tuple[Driver, ...], given: tuple[ResourceSpec, ...]
                      ) -> None:
    """Each driver's count and cost, and the five largest customers by that cost, now."""
    if not found:
        st.info("No cost drivers yet: without them (or an activities file) every customer's "
                "cost to serve is 0. Add one above.", icon=":material/info:")
        return
    refused = {d.activity: why for d in found if (why := preview.missing(d))}
    for activity, why in refused.items():
        st.warning(f"{md_escape(activity)}: {md_escape(why)}. The load would refuse this "
                   "driver: remove it or change the column choices.", icon=":material/warning:")
    _remove_ui(found)
    table, customers = preview.preview(found, given)
    unknown = [d.activity for d in found
               if d.resource is not None and d.resource not in {r.resource for r in given}]
    st.markdown(f"**Preview** · {preview.rows:,} invoice lines, before anything is saved")
    # A driver on a resource not added yet has no rate or cost: a dash (the warning below
    # names it), never "None".
    for column in ("rate", "cost"):
        table[column] = ["–" if v is None or (isinstance(v, float) and math.isnan(v))
                         else format_money(v, CURRENCY) for v in table[column]]
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "activity": "Activity", "counted": st.column_config.TextColumn("Counts",
                                                                          width="large"),
            "count": st.column_config.NumberColumn("Count", format="localized"),
            "rate": st.column_config.TextColumn("Rate", alignment="right"),
            "cost": st.column_config.TextColumn("Cost", alignment="right"),
        },
    )
    if unknown:
        st.warning("No resource named for " + md_escape(", ".join(unknown))
                   + ": add it above, or the load is refused.", icon=":material/warning:")
    st.caption("Largest cost to serve from these drivers")
    st.dataframe(customers, hide_index=True, width="stretch", column_config={
        "customer_id": st.column_config.TextColumn("Customer", pinned=True),
        "cost_to_serve": money_column("Cost to serve")})


def _remove_ui(found: tuple[Driver, ...]) -> None:
    remove = st.multiselect("Remove drivers", [d.activity for d in found],
                            key="driver_remove", placeholder="Choose drivers to remove…")
    if st.button("Remove", disabled=not remove, icon=":material/delete:"):
        state[DRIVERS_KEY] = [d for d in found if d.activity not in remove]
        state.pop("driver_remove", None)
        st.rerun()


__all__ = ["PER_LABELS", "driver_preview_ui", "drivers", "drivers_ui", "resources",
           "resources_ui", "set_recipe_drivers"]
