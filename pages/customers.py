"""Customers: net margin versus cost to serve, the quadrants, and each customer up close."""

import hashlib
import math

import numpy as np
import pandas as pd
import streamlit as st

from analytics.charts import (
    customer_waterfall_figure,
    monthly_figure,
    quadrant_map_extent,
    quadrant_map_figure,
    usage_figure,
)
from analytics.customer_detail import (
    monthly_pnl,
    top_cost_drivers,
    usage_vs_median,
    waterfall_steps,
)
from analytics.metrics import format_money, format_money_short, format_pct
from analytics.quadrants import LABELS, MOVES, quadrant_summary
from analytics.ranking import id_order, profit_order, rank_customers
from pages.ui.chart import show_chart
from pages.ui.frame import Filters, current_filters, page_guard
from pages.ui.state import (
    CURRENCY,
    customer_history,
    dataset_info,
    filtered_analysis,
    filtered_base,
    memo,
)
from pages.ui.widgets import (
    download_buttons,
    md_escape,
    money_column,
    thin_data_ui,
)

page_guard()

# Session-state keys: the page's own values survive page switches; widget keys do not.
METHOD, MARGIN, CTS, CUSTOMER = "cust_method", "cust_margin", "cust_cts", "customer"
METHOD_LABELS = {"median": "Medians", "mean": "Means", "custom": "Custom values"}
PICKER_LIMIT = 25_000  # above this many customers the picker lists a subset
PCT = "%.1f%%"
state = st.session_state


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def ordinal(value: float) -> str:
    number = f"{value:g}"
    if not number.isdigit():
        return f"{number}th"
    tens, ones = int(number) % 100, int(number) % 10
    suffix = "th" if 10 <= tens <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(ones, "th")
    return number + suffix


def restore_from_url() -> None:
    """On the page's first run in a session, take thresholds and customer from the URL."""
    if state.get("_cust_restored"):
        return
    state["_cust_restored"] = True
    params = st.query_params
    method = params.get("thresholds", "median")
    state[METHOD] = method if method in METHOD_LABELS else "median"
    state[MARGIN] = _number(params.get("margin"))
    state[CTS] = _number(params.get("cts"))
    if params.get("customer"):
        state[CUSTOMER] = params.get("customer")


def write_url() -> None:
    """Thresholds and the selected customer in the URL, so the view can be shared."""
    params = st.query_params
    method = state.get(METHOD, "median")
    wanted = {
        "thresholds": None if method == "median" else method,
        "margin": f"{state[MARGIN]:g}" if method == "custom" else None,
        "cts": f"{state[CTS]:g}" if method == "custom" else None,
        "customer": state.get(CUSTOMER),
    }
    for key, value in wanted.items():
        if value is None:
            params.pop(key, None)
        elif params.get(key) != str(value):
            params[key] = str(value)


def take_pick(source: str, customer: object) -> bool:
    """A customer picked in the table; True when it is a new pick.

    Selections persist in their widgets, so only a change counts: picking a customer
    elsewhere is not overridden by an old click.
    """
    last = f"_cust_last_{source}"
    if customer == state.get(last):
        return False
    state[last] = customer
    if customer is None:
        return False
    open_customer(customer)
    return True


def open_customer(customer: object) -> None:
    state[CUSTOMER] = customer
    write_url()
    st.toast(f"Opened the detail of {md_escape(customer)} below.", icon=":material/person:")


def thresholds_ui(filters: Filters):
    """Median, mean or custom split of the map; returns the analysis under it."""
    if "cust_method_w" not in state:
        state["cust_method_w"] = state.get(METHOD, "median")
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    method = left.radio(
        "Split the map at", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
        key="cust_method_w", horizontal=True,
        help="Thresholds between high and low, from the customers with positive net revenue.",
    )
    if method == "custom":
        medians = filtered_analysis(filters).thresholds
        for key, canonical, fallback in (("cust_margin_w", MARGIN, medians.net_margin_pct),
                                         ("cust_cts_w", CTS, medians.cost_to_serve_pct)):
            if key not in state:
                value = state.get(canonical)
                state[key] = round(fallback if value is None else value, 1)
            state[key] = float(min(max(state[key], -1000.0), 1000.0))
        margin, cts = state["cust_margin_w"], state["cust_cts_w"]
        result = filtered_analysis(filters, "custom", margin, cts)
    else:
        result = filtered_analysis(filters, method)
        # The inputs show the split in use, and a switch to custom starts from it.
        state["cust_margin_w"] = round(result.thresholds.net_margin_pct, 1)
        state["cust_cts_w"] = round(result.thresholds.cost_to_serve_pct, 1)
    middle.number_input("Net margin threshold (%)", key="cust_margin_w", min_value=-1000.0,
                        max_value=1000.0, step=0.5, format="%.1f",
                        disabled=method != "custom")
    right.number_input("Cost-to-serve threshold (%)", key="cust_cts_w", min_value=-1000.0,
                       max_value=1000.0, step=0.5, format="%.1f", disabled=method != "custom")
    state[METHOD] = method
    state[MARGIN] = state["cust_margin_w"] if method == "custom" else None
    state[CTS] = state["cust_cts_w"] if method == "custom" else None
    write_url()
    return result


def view_key(result, filters: Filters) -> tuple:
    """What the fragment's derived tables and figures depend on: the dataset version, the
    filters and the thresholds in use (the key of their shared caches)."""
    limits = result.thresholds
    return (dataset_info().version, filters.start, filters.end, filters.segments,
            filters.regions, limits.method, float(limits.net_margin_pct),
            float(limits.cost_to_serve_pct))


def quadrant_map(result, key: tuple) -> None:
    selected = state.get(CUSTOMER)

    def build():
        extent = quadrant_map_extent(result.pnl, result.thresholds)
        figure = (quadrant_map_figure(result.pnl, result.thresholds, CURRENCY,
                                      selected=selected, extent=extent)
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
        "net margin. Click a bubble to open its detail below."
    ]
    if extent.unplaced:
        notes.append(
            f"{extent.unplaced:,} customer{'s' if extent.unplaced != 1 else ''} without "
            "positive net revenue cannot be placed on % axes and "
            f"{'are' if extent.unplaced != 1 else 'is'} left off the map (still in the tables)."
        )
    if extent.drawn < extent.placed:
        notes.append(
            f"The map draws the {extent.drawn:,} customers with the largest profits or losses "
            f"of {extent.placed:,}; the tables list them all."
        )
    if extent.pinned:
        notes.append(
            f"Axes span the {ordinal(extent.low_pct)} to {ordinal(extent.high_pct)} "
            "percentiles of the customers on the map: "
            f"{extent.pinned:,} outlying customer{'s are' if extent.pinned != 1 else ' is'} "
            "drawn as triangles on the edge (hover for the true values)."
        )
    st.caption(" ".join(notes))
    if picked is not None:  # a click on a bubble: once per click
        open_customer(picked)
        st.rerun()


def quadrant_table(result, key: tuple) -> None:
    pnl = result.pnl
    table = memo("quadrant_summary", key, lambda: quadrant_summary(pnl, pnl["quadrant"]))
    totals = {k: float(table[k].sum()) for k in ("customers", "net_revenue", "profit")}

    def share(column: str) -> pd.Series:
        whole = totals[column]
        return table[column] / whole * 100 if whole > 0 else pd.Series(np.nan, index=table.index)

    view = pd.DataFrame({
        "Quadrant": table["quadrant"].map(LABELS),
        "Customers": table["customers"],
        "% of customers": share("customers"),
        "Net revenue": table["net_revenue"],
        "% of net revenue": share("net_revenue"),
        "Operating profit": table["profit"],
        "% of operating profit": share("profit"),
    })
    st.dataframe(
        view, hide_index=True, width="stretch",
        column_config={
            "Customers": st.column_config.NumberColumn(format="%,d"),
            "% of customers": st.column_config.NumberColumn(format=PCT),
            "Net revenue": money_column("Net revenue"),
            "% of net revenue": st.column_config.NumberColumn(format=PCT),
            "Operating profit": money_column("Operating profit"),
            "% of operating profit": st.column_config.NumberColumn(
                format=PCT, help="Share of total operating profit; a loss is negative."),
        },
    )
    if totals["profit"] <= 0:
        st.caption("Total operating profit is zero or negative, so shares of it are not shown.")
    limits = result.thresholds
    word = {"median": "medians", "mean": "means", "custom": "custom thresholds"}[limits.method]
    st.caption(
        f"Split at the {word}: net margin {format_pct(limits.net_margin_pct)} and cost to "
        f"serve {format_pct(limits.cost_to_serve_pct)} of net revenue (at or above counts as "
        "high)."
    )
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


def customer_frame(pnl: pd.DataFrame) -> pd.DataFrame:
    """The customer table's columns, sorted by operating profit (highest first)."""
    frame = pnl.reset_index()
    columns = ["customer_id"] + [c for c in ("name", "segment", "region") if c in frame]
    out = frame[columns].copy()
    out["quadrant"] = frame["quadrant"].map(LABELS).astype(object)
    for column in ("net_revenue", "net_margin", "net_margin_pct", "cost_to_serve",
                   "cost_to_serve_pct", "profit"):
        out[column] = frame[column]
    return out.iloc[rank_customers(out)].reset_index(drop=True)


def search(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows whose id or name contains ``text`` (literal, case-insensitive)."""
    text = text.strip()
    if not text:
        return frame
    hit = frame["customer_id"].astype(str).str.contains(text, case=False, regex=False)
    if "name" in frame:
        hit |= frame["name"].astype("string").str.contains(text, case=False, regex=False)
    return frame[hit.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


TABLE_LIMIT = 2_000  # rows sent to the browser; sorting beyond that happens here
ORDERS = {
    "Most profitable first": ("profit", False),
    "Least profitable first": ("profit", True),
    "Largest net revenue first": ("net_revenue", False),
    "Highest cost to serve % first": ("cost_to_serve_pct", False),
    "Lowest net margin % first": ("net_margin_pct", True),
}


def order_rows(frame: pd.DataFrame, order: str) -> pd.DataFrame:
    """``frame`` sorted as ``order`` says (empty values last, ties by customer id); by
    profit as customers are ranked, in whole cents."""
    column, ascending = ORDERS[order]
    if column == "profit":
        profit = frame["profit"].to_numpy(dtype=float)
        ranked = profit_order(-profit if ascending else profit, id_order(frame["customer_id"]))
        return frame.iloc[ranked].reset_index(drop=True)
    return frame.sort_values([column, "customer_id"], ascending=[ascending, True],
                             na_position="last", kind="stable").reset_index(drop=True)


def customer_table(result, filters: Filters, key: tuple) -> None:
    frame = memo("customer_frame", key, lambda: customer_frame(result.pnl), large=True)
    search_column, order_column = st.columns([3, 2], vertical_alignment="bottom")
    text = search_column.text_input("Search customers", key="cust_search",
                                    placeholder="Customer id or name",
                                    icon=":material/search:")
    view = memo("customer_search", (*key, text), lambda: search(frame, text),
                large=True)
    if len(view) > TABLE_LIMIT:
        # Sending 100,000 rows on every threshold change would take seconds: the order is
        # chosen here and the browser gets the first TABLE_LIMIT rows of it.
        order = order_column.selectbox("Show", list(ORDERS), key="cust_order")
        view = memo("customer_order", (*key, text, order),
                    lambda: order_rows(view, order), large=True)
        shown = view.head(TABLE_LIMIT)
        st.caption(f"The first {len(shown):,} of {len(view):,} matching customers "
                   f"({order.lower()}); search or change the order to see others, or "
                   "download them all. Select a row to open its detail.")
    else:
        shown = view
        st.caption(f"{len(view):,} of {len(frame):,} customers, sorted by operating profit "
                   "(click a column header to sort; select a row to open its detail).")
    digest = hashlib.sha1(f"{text}|{filters}|{state.get('cust_order')}".encode()).hexdigest()[:10]
    event = st.dataframe(
        shown, hide_index=True, width="stretch", height=420,
        key=f"cust_table_{digest}", on_select="rerun", selection_mode="single-row",
        column_config={
            "customer_id": st.column_config.TextColumn("Customer", pinned=True),
            "name": st.column_config.TextColumn("Name"),
            "segment": st.column_config.TextColumn("Segment"),
            "region": st.column_config.TextColumn("Region"),
            "quadrant": st.column_config.TextColumn("Quadrant"),
            "net_revenue": money_column("Net revenue"),
            "net_margin": money_column("Net margin"),
            "net_margin_pct": st.column_config.NumberColumn("Net margin %", format=PCT),
            "cost_to_serve": money_column("Cost to serve"),
            "cost_to_serve_pct": st.column_config.NumberColumn("Cost to serve %", format=PCT),
            "profit": money_column("Operating profit"),
        },
    )
    download_buttons(view, "customers", key="cust_download")
    rows = event.selection.rows if event else []
    picked = shown["customer_id"].iloc[rows[0]] if rows and rows[0] < len(shown) else None
    if take_pick(f"table_{digest}", picked):
        st.rerun()


@st.fragment
def quadrant_view(filters: Filters) -> None:
    """The thresholds, the map and the tables they split; a control reruns only this."""
    with st.container(border=True):
        st.subheader("Net margin versus cost to serve")
        result = thresholds_ui(filters)
        key = view_key(result, filters)
        quadrant_map(result, key)
    with st.container(border=True):
        st.subheader("Quadrants")
        quadrant_table(result, key)
    with st.container(border=True):
        st.subheader("All customers")
        customer_table(result, filters, key)


def picker_options(pnl: pd.DataFrame) -> list:
    """Every customer; for a very large base the most and least profitable, the search
    matches and the selected customer."""
    if len(pnl) <= PICKER_LIMIT:
        return sorted(pnl.index.tolist(), key=str)
    ranked = pnl.index[rank_customers(pnl)]
    chosen = set(ranked[:1000]) | set(ranked[-1000:])
    text = state.get("cust_search", "")
    if text:
        chosen |= set(search(customer_frame(pnl), text)["customer_id"].head(2000))
    if state.get(CUSTOMER) in pnl.index:
        chosen.add(state[CUSTOMER])
    return sorted(chosen, key=str)


def on_pick() -> None:
    state[CUSTOMER] = state.get("cust_pick_w")


def picker_ui(pnl: pd.DataFrame) -> None:
    options = picker_options(pnl)
    names = pnl.get("name")

    def label(customer) -> str:
        name = names.get(customer) if names is not None else None
        return f"{customer} · {name}" if isinstance(name, str) and name else str(customer)

    current = state.get(CUSTOMER)
    state["cust_pick_w"] = current if current in options else None
    st.selectbox("Customer", options, format_func=label, key="cust_pick_w", on_change=on_pick,
                 placeholder="Type an id or a name, or click a bubble on the map",
                 help=None if len(pnl) <= PICKER_LIMIT else
                 "Lists the 1,000 most and least profitable customers and the matches of "
                 "the table's search box.")


def position_sentence(row: pd.Series) -> str:
    margin, cts = row["net_margin_pct"], row["cost_to_serve_pct"]
    if not row["net_revenue"] > 0:
        return ("No positive net revenue in this period, so its margin and cost to serve "
                "cannot be read as % of revenue.")
    side = ("above break-even: its margin covers its cost to serve" if margin >= cts
            else "below break-even: its cost to serve exceeds its margin")
    return (f"Net margin {format_pct(margin)} and cost to serve {format_pct(cts)} of net "
            f"revenue, {side}.")


def driver_sentence(usage: pd.DataFrame, revenue_multiple: float | None) -> str:
    drivers = top_cost_drivers(usage, 3)
    if drivers.empty:
        return "It uses no activity more than the median customer does."
    parts = []
    for activity, row in drivers.iterrows():
        times = (f"{row['multiple']:,.1f}× the median" if np.isfinite(row["multiple"])
                 else "the median customer has none")
        parts.append(f"**{md_escape(activity)}** ({row['quantity']:,.0f}, {times}) costs "
                     f"{md_escape(format_money(row['excess_cost'], CURRENCY, 0))} more")
    sentence = "Top cost drivers, against the median customer: " + "; ".join(parts) + "."
    if revenue_multiple is not None and np.isfinite(revenue_multiple):
        sentence += (f" For scale: its net revenue is {revenue_multiple:,.1f}× the median "
                     "customer's.")
    return sentence


def detail(customer, result, filters: Filters) -> None:
    pnl = result.pnl
    row = pnl.loc[customer]
    name = row.get("name") if "name" in pnl else None
    title = f"{customer} · {name}" if isinstance(name, str) and name else str(customer)
    st.subheader(md_escape(title))
    about = [f"{k}: {row[k]}" for k in ("segment", "region")
             if k in pnl and isinstance(row[k], str) and row[k]]
    st.caption(md_escape(" · ".join([*about, filters.describe()])))
    columns = st.columns(4)
    figures = (
        ("Net revenue", row["net_revenue"], None),
        ("Net margin", row["net_margin"], row["net_margin_pct"]),
        ("Cost to serve", row["cost_to_serve"], row["cost_to_serve_pct"]),
        ("Operating profit", row["profit"], None),
    )
    for column, (label, amount, pct) in zip(columns, figures, strict=True):
        note = f"{format_pct(pct)} of net revenue" if pct is not None and np.isfinite(pct) else None
        column.metric(label, format_money_short(amount, CURRENCY), delta=note,
                      delta_color="off", delta_arrow="off", border=True,
                      help=f"Exactly {format_money(amount, CURRENCY)}.")
    st.markdown(md_escape(position_sentence(row)))

    with st.container(border=True):
        st.subheader("From list revenue to operating profit")
        steps = waterfall_steps(row)
        show_chart(customer_waterfall_figure(steps, CURRENCY), f"waterfall-{customer}",
                   key="cust_waterfall")
        st.caption("Each cost-to-serve activity is its driver quantity × rate (time-driven "
                   "ABC); activities under 3 % of this customer's cost to serve are grouped "
                   "as Other activities.")

    base = filtered_base(filters)
    with st.container(border=True):
        st.subheader("What makes it expensive: usage against the median customer")
        if customer not in base.volumes.index or base.volumes.shape[1] == 0:
            st.info("This customer used no activity in the period: its cost to serve is zero.")
        else:
            usage_panel(customer, base, result)

    with st.container(border=True):
        st.subheader("By month")
        monthly_panel(customer, row, result, filters)


def usage_panel(customer, base, result) -> None:
    usage = usage_vs_median(base.volumes, customer, result.rate_table)
    if usage.empty or not (usage["quantity"] > 0).any():
        st.info("This customer used no activity in the period: its cost to serve is zero.")
        return
    revenue = result.pnl["net_revenue"]
    median_revenue = float(revenue.median())
    multiple = (float(revenue.loc[customer]) / median_revenue if median_revenue > 0 else None)
    st.markdown(driver_sentence(usage, multiple))
    show_chart(usage_figure(usage, CURRENCY), f"usage-{customer}", key="cust_usage")
    table = usage.reset_index()
    st.dataframe(
        table[["activity", "quantity", "median", "multiple", "percentile", "rate", "cost",
               "excess_cost"]],
        hide_index=True, width="stretch",
        column_config={
            "activity": st.column_config.TextColumn("Activity"),
            "quantity": st.column_config.NumberColumn("This customer", format="%,.0f",
                                                      help="Driver quantity in the period."),
            "median": st.column_config.NumberColumn("Median customer", format="%,.1f"),
            "multiple": st.column_config.NumberColumn(
                "× median", format="%.1f×",
                help="This customer's quantity / the median's; None when the median is 0."),
            "percentile": st.column_config.NumberColumn(
                "Uses more than", format="%.0f%% of customers"),
            "rate": st.column_config.NumberColumn("Rate", format=CURRENCY.replace("%", "%%")
                                                  + "%,.2f"),
            "cost": money_column("Cost"),
            "excess_cost": money_column("Cost beyond the median",
                help="This customer's cost minus the median customer's (median × rate)."),
        },
    )


def monthly_panel(customer, row: pd.Series, result, filters: Filters) -> None:
    info = dataset_info()
    history = customer_history(info.version, customer, filters.start, filters.end)
    monthly = monthly_pnl(history.revenue, history.volumes, result.rate_table,
                          start=filters.start or info.first_date,
                          end=filters.end or info.last_date)
    if monthly.empty or not monthly[["net_revenue", "cost_to_serve"]].abs().to_numpy().any():
        st.info("No invoice lines or dated activity for this customer in the period.")
        return
    show_chart(monthly_figure(monthly, CURRENCY), f"months-{customer}", key="cust_months")
    note = ("Monthly profit = net revenue − COGS − each month's dated activity × the period's "
            "rates.")
    undated = float(row["cost_to_serve"]) - float(monthly["cost_to_serve"].sum())
    if undated > 0.5:
        note += (f" {format_money(undated, CURRENCY, 0)} of its cost to serve comes from "
                 "activity without a date, which is not in this monthly view.")
    else:
        note += " Activity without a date would not be in this view."
    st.caption(md_escape(note))


def detail_section(filters: Filters) -> None:
    result = filtered_analysis(filters)
    with st.container(border=True):
        st.subheader("Customer detail")
        picker_ui(result.pnl)
        customer = state.get(CUSTOMER)
        if customer is None:
            st.caption("Click a bubble on the map, select a row in the table, or pick a "
                       "customer above to see its waterfall, its activity usage and its "
                       "months.")
            return
        if customer not in result.pnl.index:
            st.info(f"Customer {md_escape(customer)} has no invoice lines or activity in this "
                    "selection. Widen the period or the filters in the sidebar, or pick "
                    "another customer.")
            return
    detail(customer, result, filters)


info = dataset_info()
filters = current_filters()
restore_from_url()
st.title("Customers")
st.caption(f"{md_escape(info.source)} · {md_escape(filters.describe())}")
thin_data_ui(info)
if filtered_analysis(filters).pnl.empty:
    st.info("No customer has invoice lines or activity in this selection. Widen the period "
            "or clear the segment and region filters in the sidebar.")
    st.stop()
quadrant_view(filters)
detail_section(filters)
write_url()
