"""Customers page (being built)."""

import streamlit as st

from pages.ui.frame import page_guard

page_guard()

st.title("Customers")
st.info("This page is being built.")
