"""Data: the active dataset; upload, map, count cost drivers, validate and load a new one;
recipes; templates; reset.

The steps live in ``pages/ui/data_files.py`` (upload, columns) and
``pages/ui/data_load.py`` (drivers, validation, load, templates, reset). Changing a file,
a column choice or a driver after validating discards the staged load.
"""

import streamlit as st

from pages.ui.data_files import columns_ui, upload_ui
from pages.ui.data_load import (
    active_dataset_ui,
    drivers_step_ui,
    forget_stale,
    load_options,
    load_ui,
    reset_ui,
    signature_of,
    templates_ui,
    validate_ui,
)
from pages.ui.frame import page_guard

page_guard()

generation = st.session_state.setdefault("data_generation", 0)
st.title("Data")
st.caption("The dataset every page analyses: what is loaded now, and how to load your own.")
if message := st.session_state.pop("data_flash", None):
    st.success(message, icon=":material/check_circle:")
active_dataset_ui()

st.header("Load your own data")
uploads = upload_ui(generation)
headers, mappings, formats, attributes, ready = columns_ui(uploads, generation)
drivers_step_ui(uploads, mappings, formats, ready)
options = load_options(formats, attributes)
signature = signature_of(uploads, mappings, options)
forget_stale(uploads, signature)
pending = validate_ui(uploads, headers, mappings, ready, signature, options)
load_ui(pending, generation)

st.header("Templates and reset")
templates_ui()
reset_ui(generation)
