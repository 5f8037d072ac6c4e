"""The Pricing page's scenario in the URL: read when a link opens the page, written as
the scenario changes, and the link to copy (:mod:`analytics.scenario.url` encodes).

The URL holds the scenario's own parameters next to the sidebar's filters (the frame
writes those; each side touches only its own keys). Streamlit drops the query
parameters when another page is opened, so no pricing parameter reaches another page.
A saved scenario loaded by name (the Load button or ``?scenario=NAME``) keeps the short
``?scenario=NAME`` link until an input changes; then the values themselves are written.
"""

from __future__ import annotations

import streamlit as st

from analytics.scenario import Scenario
from analytics.scenario.url import SAVED_KEY, decode, encode, is_scenario_key, query_string
from pages.ui.scenario_state import (
    DEFAULTS,
    fill,
    has_order_ids,
    link_saved,
    saved_scenario,
    scenario_base,
)
from pages.ui.state import Selection
from pages.ui.widgets import md_escape

PAGE_DEFAULT = Scenario(DEFAULTS["pr_name"])  # the inputs' starting scenario
PAGE_PATH = "pricing"


def _ours() -> dict[str, list[str]]:
    """The URL's scenario parameters, each with all its values."""
    params = st.query_params
    return {key: params.get_all(key) for key in params if is_scenario_key(key)}


def _frozen(params: dict) -> tuple:
    return tuple(sorted((k, (v,) if isinstance(v, str) else tuple(v))
                        for k, v in params.items()))


def restore(selection: Selection) -> None:
    """Before the inputs are drawn: put the scenario the URL describes into them, when
    the URL brings scenario parameters this session has not written (a link opened) or
    the inputs are gone (Streamlit drops them on another page; the browser's Back button
    returns to the URL that held them)."""
    state = st.session_state
    ours = _ours()
    gone = "pr_core" not in state
    if state.get("pr_url_read") and (
            not ours or (_frozen(ours) == state.get("pr_url_written") and not gone)):
        return
    state["pr_url_read"] = True
    state["pr_url_written"] = _frozen(ours)
    state.pop("pr_url_note", None)
    if not ours:
        return
    notes, start, name = [], PAGE_DEFAULT, None
    names = ours.pop(SAVED_KEY, [])
    if names:
        name = names[-1]
        saved = saved_scenario(name)
        if isinstance(saved, str):
            notes.append(f"The link names the saved scenario {name}, which cannot be "
                         f"opened: {saved}. The page shows today's terms instead.")
            name = None
        else:
            start = saved
    base = scenario_base(selection=selection)
    decoded = decode(ours, start, activities=base.activities, segments=base.segments,
                     customers=[str(c) for c in base.customer_ids],
                     orders_known=has_order_ids(selection))
    if decoded.ignored:
        notes.append(decoded.note())
    fill(decoded.scenario, note=f"Opened the saved scenario {name} from the link."
         if name and not ours else "Opened from the link.")
    if name and not ours:
        link_saved(name)
    if notes:
        state["pr_url_note"] = " ".join(notes)


def note_ui(scenario: Scenario) -> None:
    """What the link's parameters could not set, shown until the scenario changes."""
    state = st.session_state
    note = state.get("pr_url_note")
    if not note:
        return
    opened = state.setdefault("pr_url_note_for", scenario)
    if scenario != opened:
        state.pop("pr_url_note", None)
        state.pop("pr_url_note_for", None)
        return
    st.warning(md_escape(note), icon=":material/link_off:")


def write(scenario: Scenario) -> None:
    """Keep the URL's scenario parameters those of ``scenario`` (the sidebar's stay)."""
    state = st.session_state
    linked = state.get("pr_linked")
    if linked and linked[1] is None:  # the first scenario the inputs give after loading
        linked = state["pr_linked"] = (linked[0], scenario)
    if linked and scenario == linked[1]:
        wanted: dict = {SAVED_KEY: linked[0]}
    else:
        wanted = encode(scenario, PAGE_DEFAULT)
    params = st.query_params
    for key in [k for k in params if is_scenario_key(k) and k not in wanted]:
        del params[key]
    for key, value in wanted.items():
        if params.get_all(key) != ([value] if isinstance(value, str) else value):
            params[key] = value
    state["pr_url_written"] = _frozen(wanted)


def link() -> str:
    """The page's full link: the app's address, the page, the filters and scenario."""
    params = st.query_params
    query = query_string({key: params.get_all(key) for key in params})
    page = (st.context.url or "").rstrip("/")  # the browser's address, without a query
    if not page.endswith(f"/{PAGE_PATH}"):
        page = f"{page}/{PAGE_PATH}"
    return page + (f"?{query}" if query else "")


def share_ui() -> None:
    """The link to copy, for sharing the scenario as it is on screen."""
    with st.container(border=True):
        st.subheader("Share this scenario")
        st.code(link(), language=None, wrap_lines=True)
        linked = st.session_state.get("pr_linked")
        named = bool(linked and SAVED_KEY in st.query_params)
        st.caption(
            "Copy the link (the copy button shows when the pointer is over it): it opens "
            "this scenario, with the sidebar's period and filters, in any browser. "
            + ("It names the saved scenario: it opens what is saved under that name "
               "when it is opened (saving again under the name changes it)." if named else
               "It holds the values that differ from today's terms.")
        )
