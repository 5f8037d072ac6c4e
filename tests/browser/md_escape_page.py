"""A page for tests/browser/test_md_escape.py: the same hostile text through md_escape in
every kind of element the app's pages pass it to."""

import streamlit as st

# Run as ``python -m streamlit run`` from the app's root (conftest.Server): the root is
# on the path.
from pages.ui.widgets import md_escape
from tests.browser.md_escape_texts import TEXT

text = md_escape(TEXT)
for key, draw in {
    "markdown": lambda: st.markdown(text),
    "bold": lambda: st.markdown(f"**Source:** {text}  \n- **{text}**: {text}"),
    "caption": lambda: st.caption(text),
    "subheader": lambda: st.subheader(text),
    "error": lambda: st.error(text, icon=":material/error:"),
    "warning": lambda: st.warning(text),
    "info": lambda: st.info(text),
    "success": lambda: st.success(text),
    "progress": lambda: st.progress(0.5, text=text),
    "selectbox": lambda: st.selectbox(f"Date format of {text}", ["x"]),
    "multiselect": lambda: st.multiselect(f"{text} is one of", ["x"]),
}.items():
    with st.container(key=f"ctx_{key}"):
        draw()
if st.button("Toast"):
    st.toast(f"Opened the detail of {text} below.")
