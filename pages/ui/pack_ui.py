"""The sidebar's board pack: one click builds the PDF of the selection in view (and of
its comparison period, when there is one), then offers it for download.

The pack is built only when the button is clicked (printing takes a few seconds);
only the last pack built is kept in the session, and only while the selection and the
scenarios chosen are the ones it was built for.
"""

from __future__ import annotations

import streamlit as st

from analytics.pack import Pack, PackError, pack_file_name, render_pack
from analytics.selection import Selection
from pages.ui.compare_state import base_analysis, comparison
from pages.ui.pack_state import run_saved_on, saved_scenarios
from pages.ui.state import CURRENCY, analysis, dataset_info, proration_notes, version
from pages.ui.widgets import md_escape

BUILT = "pack_built"  # (key, file name, PDF bytes) of the last pack built


def board_pack(selection: Selection, scenario_names=()) -> tuple[bytes, str, list[str]]:
    """The board pack of ``selection`` with the saved scenarios named: the PDF, its file
    name (period and filters), and one note per scenario that could not run."""
    info = dataset_info()
    result = analysis(selection)
    if result.pnl.empty:
        raise PackError("no customer has invoice lines or activity in this selection")
    results, notes = [], []
    for name in scenario_names:
        outcome = run_saved_on(name, selection)
        if isinstance(outcome, str):
            notes.append(f"The scenario {name} is left out: {outcome}.")
        else:
            results.append(outcome)
    pack = Pack(info.source, selection, result, base=base_analysis(selection),
                comparison=comparison(selection), scenarios=tuple(results),
                currency=CURRENCY, data_span=(info.first_date, info.last_date),
                notes=proration_notes(selection))
    name = pack_file_name(selection, info.first_date, info.last_date)
    return render_pack(pack), name, notes


def pack_button(selection: Selection) -> None:
    """In the sidebar: the saved scenarios to add (when there are any), the button that
    builds the board pack, and the download once it is built."""
    state = st.session_state
    with st.sidebar:
        names = [name for name, _ in saved_scenarios()]
        chosen: list[str] = []
        if names:
            chosen = st.multiselect("Saved scenarios in the board pack", names,
                                    key="pack_scenarios", placeholder="None",
                                    help="Each adds a page: its profit bridge and who pays "
                                    "more.")
        key = (version(), selection, tuple(chosen))
        built = state.get(BUILT)
        if built is not None and built[0] != key:
            del state[BUILT]  # a pack of another selection: never offered for this one
            built = None
        if st.button("Board pack (PDF)", key="pack_build", icon=":material/picture_as_pdf:",
                     width="stretch",
                     help="Builds a few landscape pages of this selection for the board: "
                     "headline figures, whale curve, quadrant map, most and least "
                     "profitable customers, the period bridge when comparing, cost to "
                     "serve and capacity, and the scenarios chosen."):
            with st.spinner("Building the board pack…"):
                try:
                    pdf, file_name, notes = board_pack(selection, chosen)
                except PackError as exc:
                    st.error(md_escape(f"The board pack could not be built: {exc}"),
                             icon=":material/error:")
                    return
            for note in notes:
                st.warning(md_escape(note), icon=":material/info:")
            built = state[BUILT] = (key, file_name, pdf)
        if built is not None:
            st.download_button("Download the board pack", built[2], built[1],
                               "application/pdf", key="pack_download", on_click="ignore",
                               icon=":material/download:", type="primary", width="stretch")
            st.caption(md_escape(built[1]))
