"""Overview: headline figures, the whale curve and what it says."""

import streamlit as st

from analytics.charts import whale_figure
from analytics.findings import findings
from pages.ui.state import CURRENCY, analysis, ensure_dataset
from pages.ui.widgets import kpi_row

st.title("Customer profitability")
info = ensure_dataset()
st.caption(
    f"Dataset: {info.source} · loaded {info.loaded_at:%Y-%m-%d %H:%M} · "
    f"{info.first_date:%d %b %Y} to {info.last_date:%d %b %Y}"
)
result = analysis(info.version)
kpi_row(result)

with st.container(border=True):
    st.subheader("Whale curve")
    names = result.pnl["name"] if "name" in result.pnl.columns else None
    st.plotly_chart(whale_figure(result.whale, names, CURRENCY), width="stretch")
    for sentence in findings(result.whale.summary, CURRENCY):
        st.text(sentence)

for warning in result.warnings:
    st.warning(warning, icon=":material/info:")
