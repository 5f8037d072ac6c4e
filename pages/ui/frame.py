"""The frame: the page list, the legacy-mode guard and the global filters.

Streamlit serves a first visitor who arrives by a deep link (``/customers``) in its
legacy multipage mode whenever a ``pages/`` folder exists and no script has called
``st.navigation`` yet since the server started: it runs ``pages/customers.py`` directly,
skipping ``app.py``. Every page therefore calls :func:`page_guard` as its first
statement, right after its imports: when the frame has not run in this session, it calls
``st.navigation`` with the real page list (which ends legacy mode for the whole server)
and reruns, so the same URL is served again, this time through ``app.py``. Imports may
come first because the modules a page imports draw nothing and read no session state;
the guard is a call rather than the side effect of an import because Python runs a
module's body once per process, not once per script run.

Each page script is named after its URL path (``pages/cost-to-serve.py`` for
``/cost-to-serve``): legacy mode derives URLs from file names, and a name that does not
match the URL makes it show "Page not found" before the guard can reroute.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from analytics.compare import comparison_period, overlap
from analytics.selection import Selection
from pages.ui.state import StoreError, dataset_info

LOG = logging.getLogger("profitlens")
ICON = Path(__file__).resolve().parent / "icon.png"
FRAME_KEY = "_profitlens_frame"
PAGE_SPECS = (
    # (section, script, title, url path, icon)
    ("Analysis", "pages/overview.py", "Overview", "", ":material/insights:"),
    ("Analysis", "pages/customers.py", "Customers", "customers", ":material/groups:"),
    ("Analysis", "pages/cost-to-serve.py", "Cost to serve", "cost-to-serve",
     ":material/precision_manufacturing:"),
    ("Analysis", "pages/pricing.py", "Pricing", "pricing", ":material/sell:"),
    ("Analysis", "pages/exit.py", "Exit or transform", "exit", ":material/logout:"),
    ("Analysis", "pages/relationships.py", "Relationships", "relationships",
     ":material/handshake:"),
    ("Data", "pages/data.py", "Data", "data", ":material/upload_file:"),
)


COMPARE_LABELS = {"none": "Nothing", "previous": "Previous period",
                  "last_year": "Same period last year", "custom": "Custom period"}


def build_pages() -> dict[str, list]:
    sections: dict[str, list] = {}
    for section, script, title, url_path, icon in PAGE_SPECS:
        sections.setdefault(section, []).append(
            st.Page(script, title=title, url_path=url_path or None, icon=icon,
                    default=url_path == "")
        )
    return sections


@contextmanager
def friendly_errors():
    """No traceback ever reaches a user: an unexpected error shows one sentence, an error
    id and what to try; the traceback goes to the server log under that id. Streamlit's
    own control flow (``st.rerun``, ``st.stop``) is not an ``Exception`` and passes."""
    try:
        yield
    except StoreError as exc:
        error_id = uuid.uuid4().hex[:8]
        LOG.error("error %s: the store cannot be opened: %s", error_id, exc)
        st.error(f"The data store cannot be opened right now (error {error_id}): another "
                 "program may be using it, such as a load from the command line. Try again "
                 "in a minute.", icon=":material/error:")
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        LOG.exception("error %s on a page", error_id)
        st.error(f"Something went wrong on this page (error {error_id}). Try again, or "
                 "change the filters; if it happens again, reload the page or load the data "
                 "again on the Data page, and quote the error id: the details are in the "
                 "server's log.", icon=":material/error:")


def mark_frame() -> None:
    """Called by app.py: the frame runs in this session."""
    st.session_state[FRAME_KEY] = True


def page_guard() -> None:
    """First statement of every page, after its imports: reroute a legacy-mode run
    through app.py."""
    if not st.session_state.get(FRAME_KEY):
        st.navigation(build_pages(), position="hidden")
        st.rerun()


def _parse_date(text: str | None, low: dt.date, high: dt.date) -> dt.date | None:
    try:
        value = dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return None if value is None else min(max(value, low), high)


def _restore(info, segments: list[str], regions: list[str]) -> None:
    """Widget state from the URL (a bookmarked or shared view)."""
    params = st.query_params
    first, last = info.first_date, info.last_date
    start = _parse_date(params.get("start"), first, last) or first
    end = _parse_date(params.get("end"), first, last) or last
    if end < start:
        start, end = first, last
    state = st.session_state
    state["f_period"] = (start, end)
    state["f_segments"] = [s for s in params.get_all("segment") if s in segments]
    state["f_regions"] = [r for r in params.get_all("region") if r in regions]
    mode = params.get("compare")
    state["f_compare"] = mode if mode in COMPARE_LABELS else "none"
    # Not pulled into the data's span: a period outside it is said to have no data.
    c_start, c_end = (_parse_date(params.get(key), dt.date.min, dt.date.max)
                      for key in ("compare_start", "compare_end"))
    if state["f_compare"] == "custom":
        if c_start is None or c_end is None or c_end < c_start:
            state["f_compare"] = "none"
        else:
            state["f_compare_period"] = (c_start, c_end)


def _write_url(selection: Selection, compare: str = "none") -> None:
    params = st.query_params
    custom = compare == "custom" and selection.has_comparison
    values = {
        **selection.to_query_params(),
        "compare": compare if compare != "none" and selection.has_comparison else None,
        "compare_start": selection.compare_start.isoformat() if custom else None,
        "compare_end": selection.compare_end.isoformat() if custom else None,
    }
    for key, value in values.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value


def _comparison(info, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The sidebar's "Compare with" control under the period filter: the comparison
    period, or None (nothing chosen, or no data in it: said in the sidebar)."""
    state = st.session_state
    mode = st.selectbox("Compare with", list(COMPARE_LABELS), key="f_compare",
                        format_func=COMPARE_LABELS.get,
                        help="Every analysis page shows the change from this period: the "
                        "headline cards, the profit bridge and both whale curves on the "
                        "Overview, the quadrant migration on the Customers page.")
    if mode == "none":
        return None
    if mode == "custom":
        if "f_compare_period" not in state:
            state["f_compare_period"] = comparison_period(start, end, "previous")
        chosen = st.date_input("Comparison period", key="f_compare_period",
                               format="YYYY-MM-DD")
        if len(chosen) == 2:
            first, last = sorted(chosen)
            state["_compare_period"] = (first, last)
        else:  # only the first date of a new range picked so far: keep the last one
            first, last = state.get("_compare_period", comparison_period(start, end,
                                                                          "previous"))
    else:
        first, last = comparison_period(start, end, mode)
    if overlap((first, last), (start, end)):
        st.caption(f"{first} to {last} overlaps the period in view ({start} to {end}): "
                   "compare with a period before or after it (shorten the period, or pick "
                   "a custom comparison period).")
        return None
    if last < info.first_date or first > info.last_date:
        st.caption(f"No data from {first} to {last} (the data runs from {info.first_date} "
                   f"to {info.last_date}): nothing to compare with.")
        return None
    if first < info.first_date or last > info.last_date:
        st.caption(f"Compared with {first} to {last}; the data runs from {info.first_date} "
                   f"to {info.last_date}, so the comparison period is partly empty.")
    else:
        st.caption(f"Compared with {first} to {last}.")
    return first, last


def filters_ui(info, segments: list[str], regions: list[str]) -> Selection:
    """The sidebar's period, segment and region filters, kept in the URL: the Selection
    every page starts from (:func:`current_selection`)."""
    state = st.session_state
    # Also when the period's widget value is gone: Streamlit drops the sidebar's widget
    # values on st.switch_page, which keeps the filters in the URL.
    if state.get("_filters_for") != info.version or "f_period" not in state:
        _restore(info, segments, regions)
        state["_filters_for"] = info.version
    first, last = info.first_date, info.last_date
    with st.sidebar:
        st.markdown("**Filters**")
        st.date_input("Period", key="f_period", min_value=first, max_value=last,
                      format="YYYY-MM-DD", help="Invoice dates included in every analysis.")
        if segments:
            st.multiselect("Segment", segments, key="f_segments", placeholder="All segments")
        if regions:
            st.multiselect("Region", regions, key="f_regions", placeholder="All regions")
        period = state.get("f_period") or (first, last)
        if len(period) == 2:
            start, end = period
            state["_period"] = (start, end)
        else:  # the user has picked only the first date of a new range so far
            start, end = state.get("_period", (first, last))
        if end < start:  # a range typed backwards: the same days
            start, end = end, start
        compared = _comparison(info, start, end)
    selection = Selection(
        start=None if start <= first else start,
        end=None if end >= last else end,
        segments=tuple(state.get("f_segments") or ()),
        regions=tuple(state.get("f_regions") or ()),
        compare_start=compared[0] if compared else None,
        compare_end=compared[1] if compared else None,
    )
    _write_url(selection, state.get("f_compare", "none"))
    state["selection"] = selection
    return selection


def describe(selection: Selection) -> str:
    """The selection in one line for a caption, its open ends written as the data's first
    and last dates (plain text: escape it for Markdown)."""
    info = dataset_info()
    return selection.describe(info.first_date, info.last_date)


def current_selection() -> Selection:
    """The sidebar's Selection (period, segments, regions; default thresholds)."""
    return st.session_state.get("selection", Selection())
