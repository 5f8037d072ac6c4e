"""Shared Streamlit helpers for the pages (a subfolder, so Streamlit never lists it)."""
