"""Customers: net margin versus cost to serve, the quadrants, and each customer up close."""

import hashlib

import pandas as pd
import streamlit as st

from analytics.charts import quadrant_map_extent, quadrant_map_figure
from analytics.customer_table import ORDERS, customer_table, order_customers, search_customers
from analytics.metrics import format_money_short
from analytics.quadrant_view import map_notes, quadrant_shares, split_sentence
from analytics.quadrants import LABELS, MOVES, quadrant_summary
from pages.ui.chart import show_chart
from pages.ui.compare_ui import customers_comparison_ui
from pages.ui.customer_detail_ui import detail_section_ui
from pages.ui.customers_state import (
    CTS,
    CUSTOMER,
    MARGIN,
    METHOD,
    METHOD_LABELS,
    open_customer,
    restore_from_url,
    take_pick,
    write_url,
)
from pages.ui.frame import current_selection, describe, page_guard
from pages.ui.robustness_state import (
    TABLE_HELP,
    map_marks,
    map_note,
    rate_uncertainty,
    rate_uncertainty_ui,
    robustness_classes,
)
from pages.ui.state import CURRENCY, Selection, analysis, dataset_info, memo, version
from pages.ui.widgets import (
    blank_text,
    customer_table_columns,
    download_buttons,
    md_escape,
    money_column,
    thin_data_ui,
    whole_units,
)

page_guard()

PCT = "%.1f%%"
TABLE_LIMIT = 2_000  # rows sent to the browser; sorting beyond that happens here
state = st.session_state


def thresholds_ui(selection: Selection):
    """Median, mean or custom split of the map; returns the analysis under it."""
    if "cust_method_w" not in state:
        state["cust_method_w"] = state.get(METHOD, "median")
    left, middle, right, last = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    method = left.radio(
        "Split the map at", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
        key="cust_method_w", horizontal=True,
        help="Thresholds between high and low, from the customers with positive net revenue.",
    )
    if method == "custom":
        medians = analysis(selection).thresholds
        for key, canonical, fallback in (("cust_margin_w", MARGIN, medians.net_margin_pct),
                                         ("cust_cts_w", CTS, medians.cost_to_serve_pct)):
            if key not in state:
                value = state.get(canonical)
                state[key] = round(fallback if value is None else value, 1)
            state[key] = float(min(max(state[key], -1000.0), 1000.0))
        margin, cts = state["cust_margin_w"], state["cust_cts_w"]
        result = analysis(selection.with_thresholds("custom", margin, cts))
    else:
        result = analysis(selection.with_thresholds(method))
        # The inputs show the split in use, and a switch to custom starts from it.
        state["cust_margin_w"] = round(result.thresholds.net_margin_pct, 1)
        state["cust_cts_w"] = round(result.thresholds.cost_to_serve_pct, 1)
    middle.number_input("Net margin threshold (%)", key="cust_margin_w", min_value=-1000.0,
                        max_value=1000.0, step=0.5, format="%.1f",
                        disabled=method != "custom")
    right.number_input("Cost-to-serve threshold (%)", key="cust_cts_w", min_value=-1000.0,
                       max_value=1000.0, step=0.5, format="%.1f", disabled=method != "custom")
    rate_uncertainty_ui(last)
    state[METHOD] = method
    state[MARGIN] = state["cust_margin_w"] if method == "custom" else None
    state[CTS] = state["cust_cts_w"] if method == "custom" else None
    write_url()
    return result


def view_key(result, selection: Selection) -> tuple:
    """What the fragment's derived tables and figures depend on: the dataset version, the
    selection with the thresholds in use and the rate uncertainty (their caches' key)."""
    return version(), selection.filters, result.thresholds, rate_uncertainty()


def quadrant_map(result, key: tuple, classes) -> None:
    selected = state.get(CUSTOMER)

    def build():
        extent = quadrant_map_extent(result.pnl, result.thresholds)
        figure = (quadrant_map_figure(result.pnl, result.thresholds, CURRENCY,
                                      selected=selected, extent=extent, **map_marks(classes))
                  if extent.placed else None)
        return extent, figure

    # Built once per view and selection: a control change that returns to a view seen
    # before (Medians <-> Means) costs no figure build, only its JSON.
    extent, figure = memo("quadrant_map", (*key, CURRENCY, selected), build)
    if extent.placed == 0:
        st.info("No customer in this selection has positive net revenue, so none can be "
                "placed on percentage axes. Widen the period or the filters in the sidebar.")
        return
    picked = show_chart(figure, "quadrant-map", key="cust_map", selectable=True)
    notes = [
        "Bubble area is net revenue and colour is operating profit (brown loses money, "
        "teal makes it); below the dashed diagonal a customer's cost to serve exceeds its "
        "net margin. Click a bubble to open its detail below.",
        *map_notes(extent), *map_note(classes),
    ]
    st.caption(" ".join(notes))
    if picked is not None:  # a click on a bubble: once per click
        open_customer(picked)
        st.rerun()


def quadrant_table(result, key: tuple) -> None:
    pnl = result.pnl
    table = memo("quadrant_summary", key, lambda: quadrant_summary(pnl, pnl["quadrant"]))
    shares = quadrant_shares(table)
    view = pd.DataFrame({
        "Quadrant": table["quadrant"].map(LABELS),
        "Customers": table["customers"],
        "% of customers": shares["customers_pct"],
        "Net revenue": table["net_revenue"],
        "% of net revenue": shares["net_revenue_pct"],
        "Operating profit": table["profit"],
        "% of operating profit": shares["profit_pct"],
    })
    st.dataframe(
        whole_units(view, "Net revenue", "Operating profit"), hide_index=True,
        width="stretch",
        column_config={  # totals in whole units
            "Quadrant": st.column_config.TextColumn("Quadrant", pinned=True),
            "Customers": st.column_config.NumberColumn(format="%,d"),
            "% of customers": st.column_config.NumberColumn(format=PCT),
            "Net revenue": money_column("Net revenue", cents=False),
            "% of net revenue": st.column_config.NumberColumn(format=PCT),
            "Operating profit": money_column("Operating profit", cents=False),
            "% of operating profit": st.column_config.NumberColumn(
                format=PCT, help="Share of total operating profit; a loss is negative."),
        },
    )
    if float(table["profit"].sum()) <= 0:
        st.caption("Total operating profit is zero or negative, so shares of it are not shown.")
    st.caption(split_sentence(result.thresholds))
    moves_grid(table)


def moves_grid(table: pd.DataFrame) -> None:
    """The textbook's recommended move per quadrant, laid out like the map."""
    st.markdown("**Recommended moves** (Shapiro, Rangan, Moriarty & Ross)")
    counts = dict(zip(table["quadrant"], table["customers"], strict=True))
    profits = dict(zip(table["quadrant"], table["profit"], strict=True))
    for pair in (("passive", "carriage_trade"), ("bargain_basement", "aggressive")):
        for column, quadrant in zip(st.columns(2), pair, strict=True):
            with column.container(border=True):
                st.markdown(
                    f"**{LABELS[quadrant]}** · {counts[quadrant]:,} customers · operating "
                    f"profit {md_escape(format_money_short(profits[quadrant], CURRENCY))}"
                )
                st.caption(MOVES[quadrant])


def customer_table_ui(result, selection: Selection, key: tuple, classes) -> None:
    frame = memo("customer_frame", key, lambda: customer_table(result.pnl, classes),
                 large=True)
    search_column, order_column = st.columns([3, 2], vertical_alignment="bottom")
    text = search_column.text_input("Search customers", key="cust_search",
                                    placeholder="Customer id or name",
                                    icon=":material/search:")
    view = memo("customer_search", (*key, text), lambda: search_customers(frame, text),
                large=True)
    if len(view) > TABLE_LIMIT:
        # Sending 100,000 rows on every threshold change would take seconds: the order is
        # chosen here and the browser gets the first TABLE_LIMIT rows of it.
        order = order_column.selectbox("Show", list(ORDERS), key="cust_order")
        view = memo("customer_order", (*key, text, order),
                    lambda: order_customers(view, order), large=True)
        shown = view.head(TABLE_LIMIT)
        st.caption(f"The first {len(shown):,} of {len(view):,} matching customers "
                   f"({order.lower()}); search or change the order to see others, or "
                   "download them all. Select a row to open its detail.")
    else:
        shown = view
        st.caption(f"{len(view):,} of {len(frame):,} customers, sorted by operating profit "
                   "(click a column header to sort; select a row to open its detail).")
    digest = hashlib.sha1(f"{text}|{selection}|{state.get('cust_order')}".encode()).hexdigest()[:10]
    columns = customer_table_columns(robustness_help=TABLE_HELP)
    event = st.dataframe(
        blank_text(shown), hide_index=True, width="stretch", height=420,
        key=f"cust_table_{digest}", on_select="rerun", selection_mode="single-row",
        column_config=columns, column_order=[c for c in columns if c in shown.columns],
    )
    download_buttons(lambda: view[[c for c in columns if c in view.columns]], "customers",
                     key="cust_download", columns=columns)
    rows = event.selection.rows if event else []
    picked = shown["customer_id"].iloc[rows[0]] if rows and rows[0] < len(shown) else None
    if take_pick(f"table_{digest}", picked):
        st.rerun()


@st.fragment
def quadrant_view(selection: Selection) -> None:
    """The thresholds, the map and the tables they split; a control reruns only this."""
    with st.container(border=True):
        st.subheader("Net margin versus cost to serve")
        result = thresholds_ui(selection)
        key = view_key(result, selection)
        classes = robustness_classes(result, selection)
        quadrant_map(result, key, classes)
    with st.container(border=True):
        st.subheader("Quadrants")
        quadrant_table(result, key)
    with st.container(border=True):
        st.subheader("All customers")
        customer_table_ui(result, selection, key, classes)


info = dataset_info()
selection = current_selection()
restore_from_url()
st.title("Customers")
st.caption(f"{md_escape(info.source)} · {md_escape(describe(selection))}")
thin_data_ui(info, selection)
if analysis(selection).pnl.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
quadrant_view(selection)
customers_comparison_ui(selection)
detail_section_ui(analysis(selection), selection)
write_url()
