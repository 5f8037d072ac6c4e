"""Overview: headline figures, the whale curve and what it says."""

import streamlit as st

from analytics.breakdown import breakdown, customer_ranking
from analytics.charts import whale_figure
from analytics.findings import findings
from pages.ui.chart import show_chart
from pages.ui.compare_state import base_analysis
from pages.ui.compare_ui import overview_comparison_ui
from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.robustness_state import overview_sentence_ui
from pages.ui.state import CURRENCY, analysis, dataset_info, proration_notes
from pages.ui.trends_ui import trends_ui
from pages.ui.widgets import (
    blank_text,
    download_buttons,
    kpi_row,
    md_escape,
    money_column,
    pct_column,
    thin_data_ui,
    whole_units,
)

page_guard()

info = dataset_info()
selection = current_selection()
st.title("Customer profitability")
st.caption(
    f"{md_escape(info.source)} · {md_escape(describe(selection))} · loaded "
    f"{info.loaded_at:%Y-%m-%d %H:%M}"
)
thin_data_ui(info, selection)  # with the proration note, at the top
result = analysis(selection)
if result.pnl.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
kpi_row(result, base_analysis(selection))
overview_sentence_ui(result, selection)

with st.container(border=True):
    st.subheader("Whale curve")
    names = result.pnl["name"] if "name" in result.pnl.columns else None
    show_chart(whale_figure(result.whale, names, CURRENCY), "whale-curve", key="whale")
    for sentence in findings(result.whale.summary, CURRENCY):
        st.text(sentence)

overview_comparison_ui(selection, result.whale)


customer_columns = {
    "customer_id": st.column_config.TextColumn("Customer", pinned=True),
    "name": st.column_config.TextColumn("Name", width="medium"),
    "segment": st.column_config.TextColumn("Segment"),
    "net_revenue": money_column("Net revenue"),
    "profit": money_column("Operating profit"),
    "profit_pct": pct_column("Profit % of revenue"),
    "quadrant": st.column_config.TextColumn("Quadrant"),
}
ranked = customer_ranking(result.pnl)
left, right = st.columns(2)
for column, title, rows in (
    (left, "Most profitable customers", ranked.head(10)),
    (right, "Least profitable customers", ranked.tail(10).iloc[::-1]),
):
    with column.container(border=True):
        st.subheader(title)
        # Profit first after the name: half a page's width shows what the table is for.
        st.dataframe(blank_text(rows), hide_index=True, width="stretch",
                     column_config=customer_columns,
                     column_order=["customer_id", "name", "profit", "net_revenue",
                                   "profit_pct", "segment", "quadrant"])

trends_ui(selection)

if "segment" in result.pnl.columns and result.pnl["segment"].notna().any():
    with st.container(border=True):
        st.subheader("Profit by segment")
        segments = breakdown(result.pnl, "segment")
        # Totals in whole units, operating profit right after the count (the downloads
        # keep the cents).
        segment_columns = {
            "segment": st.column_config.TextColumn("Segment", pinned=True),
            "customers": st.column_config.NumberColumn("Customers", format="%,d"),
            "profit": money_column("Operating profit", cents=False),
            "net_revenue": money_column("Net revenue", cents=False),
            "net_margin": money_column("Net margin", cents=False),
            "cost_to_serve": money_column("Cost to serve", cents=False),
            "unprofitable": st.column_config.NumberColumn("Unprofitable customers",
                                                          format="%,d"),
            "net_margin_pct": pct_column("Net margin %"),
            "cost_to_serve_pct": pct_column("Cost to serve %"),
            "profit_pct": pct_column("Profit %"),
        }
        st.dataframe(whole_units(segments, "profit", "net_revenue", "net_margin",
                                 "cost_to_serve"),
                     hide_index=True, width="stretch", column_config=segment_columns,
                     column_order=list(segment_columns))
        download_buttons(segments, "profit-by-segment", key="segments",
                         columns=segment_columns)

for warning in result.warnings:
    if warning not in proration_notes(selection):  # shown at the top
        st.warning(md_escape(warning), icon=":material/info:")
