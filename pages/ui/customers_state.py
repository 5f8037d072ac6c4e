"""The Customers page's own state: thresholds, the rate uncertainty (shared with the
Overview: :mod:`pages.ui.robustness_state`) and the selected customer, kept across page
switches and in the URL so a view can be shared."""

from __future__ import annotations

import math

import streamlit as st

from analytics.robustness import DEFAULT_PCT, MAX_PCT
from pages.ui.robustness_state import UNCERTAINTY, rate_uncertainty
from pages.ui.widgets import md_escape

# Session-state keys: the page's own values survive page switches; widget keys do not.
METHOD, MARGIN, CTS, CUSTOMER = "cust_method", "cust_margin", "cust_cts", "customer"
METHOD_LABELS = {"median": "Medians", "mean": "Means", "custom": "Custom values"}


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def restore_from_url() -> None:
    """On the page's first run in a session, take thresholds and customer from the URL."""
    state = st.session_state
    if state.get("_cust_restored"):
        return
    state["_cust_restored"] = True
    params = st.query_params
    method = params.get("thresholds", "median")
    state[METHOD] = method if method in METHOD_LABELS else "median"
    state[MARGIN] = _number(params.get("margin"))
    state[CTS] = _number(params.get("cts"))
    if params.get("customer"):
        state[CUSTOMER] = params.get("customer")
    uncertainty = _number(params.get("uncertainty"))
    if uncertainty is not None and 0 <= uncertainty <= MAX_PCT:
        state[UNCERTAINTY] = uncertainty


def write_url() -> None:
    """Thresholds and the selected customer in the URL, so the view can be shared."""
    state = st.session_state
    params = st.query_params
    method = state.get(METHOD, "median")
    wanted = {
        "thresholds": None if method == "median" else method,
        "margin": f"{state[MARGIN]:g}" if method == "custom" else None,
        "cts": f"{state[CTS]:g}" if method == "custom" else None,
        "customer": state.get(CUSTOMER),
        "uncertainty": None if rate_uncertainty() == DEFAULT_PCT else f"{rate_uncertainty():g}",
    }
    for key, value in wanted.items():
        if value is None:
            params.pop(key, None)
        elif params.get(key) != str(value):
            params[key] = str(value)


def open_customer(customer: object) -> None:
    st.session_state[CUSTOMER] = customer
    write_url()
    st.toast(f"Opened the detail of {md_escape(customer)} below.", icon=":material/person:")


def take_pick(source: str, customer: object) -> bool:
    """A customer picked in the table; True when it is a new pick.

    Selections persist in their widgets, so only a change counts: picking a customer
    elsewhere is not overridden by an old click.
    """
    state = st.session_state
    last = f"_cust_last_{source}"
    if customer == state.get(last):
        return False
    state[last] = customer
    if customer is None:
        return False
    open_customer(customer)
    return True
