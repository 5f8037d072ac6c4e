"""ProfitLens: the frame around the pages (page config and navigation; no computation)."""

import streamlit as st

st.set_page_config(page_title="ProfitLens", page_icon=":material/insights:", layout="wide")

overview = st.Page("pages/overview.py", title="Overview", icon=":material/insights:",
                   url_path="", default=True)
navigation = st.navigation({"Analysis": [overview]})
navigation.run()
