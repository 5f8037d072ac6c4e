"""The rate uncertainty behind the robust rankings, shared by two pages.

One session-state value (:data:`UNCERTAINTY`, default 10 %): the Customers page sets it
with :func:`rate_uncertainty_ui` (and keeps it in its URL), the Overview reads it, so both
say the same thing about the same customers. 0 turns the check off. The classes come
from :func:`analytics.robustness.classify_robustness`, cached per dataset version,
filters and uncertainty and shared read-only by every session.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.quadrant_view import sensitive_note
from analytics.robustness import (
    DEFAULT_PCT,
    MAX_PCT,
    SENSITIVE,
    classify_robustness,
    robustness_counts,
    robustness_sentence,
)
from pages.ui.state import Selection, memo, version

UNCERTAINTY = "rate_uncertainty"  # the value, kept across page switches
WIDGET = "rate_uncertainty_w"  # the Customers page's input (widget keys do not survive)
HELP = ("Activity rates are estimates. A customer is *sensitive* when a rate error of up to "
        "this size (any mix, every activity on its own) could turn its profit into a loss or "
        "its loss into a profit; the others are robust. 0 turns the check off. The "
        "Overview uses the same value.")
TABLE_HELP = ("Robust profitable: a profit even with every activity rate higher by the rate "
              "uncertainty above; robust unprofitable: a loss even with every rate lower by "
              "it; sensitive: rate errors within it could flip profit and loss.")


def rate_uncertainty() -> float:
    """The uncertainty in use, in % (0 to 100)."""
    value = st.session_state.get(UNCERTAINTY, DEFAULT_PCT)
    return float(min(max(value, 0.0), MAX_PCT))


def rate_uncertainty_ui(container) -> float:
    """The input for the uncertainty, drawn in ``container``; returns it."""
    state = st.session_state
    if WIDGET not in state:
        state[WIDGET] = rate_uncertainty()
    pct = container.number_input("Rate uncertainty (± %)", key=WIDGET, min_value=0.0,
                                 max_value=MAX_PCT, step=5.0, format="%.1f", help=HELP)
    state[UNCERTAINTY] = float(pct)
    return float(pct)


def robustness_classes(result, selection: Selection) -> pd.Series | None:
    """Each customer's robustness class under the uncertainty in use; None when it is 0.
    ``result``: the filtered analysis (the classes depend on profits, not thresholds)."""
    pct = rate_uncertainty()
    if pct <= 0:
        return None
    key = (version(), selection.filters, pct)
    return memo("robustness", key, lambda: classify_robustness(result.pnl, pct), large=True)


def map_marks(classes: pd.Series | None) -> dict:
    """The quadrant map's arguments that ring the sensitive customers."""
    if classes is None:
        return {}
    return {"sensitive": classes == SENSITIVE, "uncertainty_pct": rate_uncertainty()}


def map_note(classes: pd.Series | None) -> list[str]:
    """The map caption's sentence about the rings (none when the check is off)."""
    if classes is None:
        return []
    return [sensitive_note(int((classes == SENSITIVE).sum()), rate_uncertainty())]


def overview_sentence_ui(result, selection: Selection) -> None:
    """The Overview's sentence: how many loss-making customers lose money whatever the
    rate error, under the uncertainty set on the Customers page."""
    classes = robustness_classes(result, selection)
    if classes is None:
        st.caption("The rate-uncertainty check is off (set to 0 % on the Customers page).")
        return
    text = robustness_sentence(robustness_counts(classes, result.pnl["profit"]),
                               rate_uncertainty())
    st.info(f"{text} The uncertainty is set on the Customers page.",
            icon=":material/balance:")
