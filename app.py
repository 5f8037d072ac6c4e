"""ProfitLens: the frame around the pages (page config, filters, navigation; no computation)."""

import streamlit as st

from pages.ui.frame import ICON, build_pages, filters_ui, friendly_errors, mark_frame
from pages.ui.pack_ui import pack_button
from pages.ui.state import dimensions, ensure_dataset
from pages.ui.widgets import md_escape

# The icon ships with the app: a Material icon name would make every browser fetch it
# from the internet (a dashboard on a closed company network must not).
st.set_page_config(page_title="ProfitLens", page_icon=str(ICON), layout="wide")
mark_frame()
navigation = st.navigation(build_pages())
with friendly_errors():
    info = ensure_dataset()
    segments, regions = dimensions()
    selection = filters_ui(info, segments, regions)
    with st.sidebar:
        st.caption(f"Dataset: {md_escape(info.source)}")
    pack_button(selection)
    navigation.run()
