"""Overview: headline figures, the whale curve and what it says."""

import streamlit as st

from pages.ui.frame import page_guard

page_guard()

from analytics.charts import whale_figure  # noqa: E402
from analytics.findings import findings  # noqa: E402
from pages.ui.frame import current_filters  # noqa: E402
from pages.ui.state import CURRENCY, dataset_info, filtered_analysis  # noqa: E402
from pages.ui.widgets import kpi_row, md_escape, show_chart  # noqa: E402

info = dataset_info()
filters = current_filters()
st.title("Customer profitability")
st.caption(
    f"{md_escape(info.source)} · {md_escape(filters.describe())} · loaded "
    f"{info.loaded_at:%Y-%m-%d %H:%M}"
)
result = filtered_analysis(filters)
if result.pnl.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
kpi_row(result)

with st.container(border=True):
    st.subheader("Whale curve")
    names = result.pnl["name"] if "name" in result.pnl.columns else None
    show_chart(whale_figure(result.whale, names, CURRENCY), "whale-curve", key="whale")
    for sentence in findings(result.whale.summary, CURRENCY):
        st.text(sentence)

for warning in result.warnings:
    st.warning(md_escape(warning), icon=":material/info:")
