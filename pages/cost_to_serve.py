"""Cost_to_serve page (being built)."""

import streamlit as st

from pages.ui.frame import page_guard

page_guard()

st.title("Cost to serve")
st.info("This page is being built.")
