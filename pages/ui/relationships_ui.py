"""The Relationships page's views (issue 11): four kinds of buyers, the loyalty ladder,
the relationship spectrum and overdesigned relationships, share of wallet and growth
prospects, retention by cohort and relationship age. Figures come from the cached
:class:`~analytics.relationships.Portfolio` (``relationship_state.portfolio``); shaping
and sentences from :mod:`analytics.relationships.views`. Customer names are shown as
text (table cells, or Markdown through ``md_escape``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts.relationships import (
    buyer_map_figure,
    cohort_heatmap_figure,
    relationship_age_figure,
)
from analytics.metrics import METRICS, format_money
from analytics.relationships import (
    BUYER_LABELS,
    DEFAULT_LADDER,
    DIFFERENCE_FROM_QUADRANTS,
    RELATIONSHIPS,
    RUNGS,
)
from analytics.relationships.views import (
    age_sentence,
    enabler,
    heatmap_cohorts,
    overdesign_sentence,
    return_sentence,
    skipped_rungs,
    underperformer_warning,
)
from pages.ui.chart import show_chart
from pages.ui.state import CURRENCY, memo, version
from pages.ui.widgets import download_buttons, first_rows, md_escape, metric_columns

INFO = ":material/info:"
RELATIONSHIP_LABELS = {"transactional": "Transactional", "value_adding": "Value-adding",
                       "collaborative": "Collaborative"}


def note(text: str) -> None:
    """A sentence about what the data lacks or what to do, shown literally."""
    st.info(md_escape(text), icon=INFO)


def _defaults() -> dict:
    return {"rel_ladder": list(DEFAULT_LADDER), "rel_rung_cost": 1000.0,
            "rel_win_cost": 10.0, "rel_buyer_log": True}


def keep(key: str) -> None:
    """``on_change`` of the page's inputs: the value the user chose, kept (see
    :func:`inputs`)."""
    st.session_state["_" + key] = st.session_state[key]


def kept(key: str):
    """The value of the page's input ``key`` (what the user last chose, or its default):
    each widget is drawn with it."""
    return st.session_state.get("_" + key, _defaults()[key])


def inputs() -> tuple[tuple[str, ...], float | None, float]:
    """The ladder, rung cost and cost of winning as the user chose them (the widgets are
    drawn further down, in their views; the portfolio is built before).

    Only the open tab is drawn, and Streamlit resets the value of a widget a run does not
    draw (and of every widget on another page): each value is kept under a key of its
    own (``_rel_…``), written there by the widget's ``on_change`` (:func:`keep`), and the
    widget is drawn with it (:func:`kept`)."""
    state = {key: kept(key) for key in _defaults()}
    ladder = tuple(state["rel_ladder"]) or DEFAULT_LADDER
    cost = state["rel_rung_cost"]
    return ladder, (float(cost) if cost else None), float(state["rel_win_cost"] or 0.0)


def with_names(frame: pd.DataFrame, pnl: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a ``customer_id`` column) with the customers' names after the id."""
    if "name" in frame.columns or "name" not in pnl.columns:
        return frame
    names = pnl["name"].reindex(frame["customer_id"]).to_numpy()
    return frame.assign(name=names)[["customer_id", "name",
                                     *[c for c in frame.columns if c != "customer_id"]]]


def buyers_ui(pf, pnl: pd.DataFrame, selection) -> None:
    """``selection``: what ``pf`` and ``pnl`` were built for (the map's cache key)."""
    st.subheader("Four kinds of buyers")
    b = pf.buyers
    st.caption(md_escape(
        f"What each relationship is worth to you in money: net margin (net revenue - COGS) "
        f"against cost to serve. Split at the medians ({format_money(b.reward_threshold, CURRENCY)}"
        f" net margin, {format_money(b.cost_threshold, CURRENCY)} cost to serve); bubble = "
        f"net revenue. {DIFFERENCE_FROM_QUADRANTS}"))
    if not b.types.notna().any():
        note("No customer has a buyer type in this selection: widen the period or clear "
             "the filters in the sidebar.")
        return
    log = st.toggle("Log scales", value=kept("rel_buyer_log"), key="rel_buyer_log",
                    on_change=keep, args=("rel_buyer_log",),
                    help="Money is skewed: on linear axes most customers crowd the corner "
                    "by the medians. Log scales spread them out (0 and losses kept); "
                    "hover gives the exact amounts.")
    figure = memo("buyer_map", (version(), selection.filters, CURRENCY, log),
                  lambda: buyer_map_figure(pnl, b.types, b.reward_threshold, b.cost_threshold,
                                           CURRENCY, log=log))
    show_chart(figure, "relationships-buyers")
    groups = b.groups[["label", "customers", "revenue_share_pct", "net_revenue", "profit"]]
    st.dataframe(groups, hide_index=True, width="stretch", column_config={
        "label": st.column_config.TextColumn("Buyer type"),
        **metric_columns("customers", "revenue_share_pct", "net_revenue", "profit"),
    })
    st.markdown("\n".join(f"- **{md_escape(row.label)}**: {md_escape(row.move)}"
                          for row in b.groups.itertuples()))


def ladder_ui(pf) -> None:
    st.subheader("Loyalty ladder")
    st.caption("Each customer stands on the highest rung it meets, with every assessable "
               "rung below it met too. Pick and order the rungs (the order you pick "
               "them in is the ladder, bottom first), as firms define their own.")
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Rungs, bottom first", list(RUNGS), key="rel_ladder",
                              default=kept("rel_ladder"), on_change=keep,
                              args=("rel_ladder",),
                              format_func=lambda k: RUNGS[k].label,
                              placeholder="Pick at least one rung")
    right.number_input(f"Cost of moving one customer up a rung ({CURRENCY})", min_value=0.0,
                       step=100.0, value=kept("rel_rung_cost"), key="rel_rung_cost",
                       on_change=keep, args=("rel_rung_cost",),
                       help="What it costs to move one customer up one rung (0: no cost "
                       "entered); gives the return on relationship effort.")
    if not chosen:
        note("Pick at least one rung to place the customers on a ladder.")
        return
    for line in skipped_rungs(pf.placed.skipped):
        note(line)
    table = pf.ladder.assign(label=[RUNGS[n].label if n in RUNGS else "Not on the ladder"
                                    for n in pf.ladder["name"]])
    # The bottom rung has no step up to it: a dash, not "None".
    for key in ("profit_gain", "return_on_effort_pct"):
        table[key] = ["–" if pd.isna(v) else METRICS[key].format(v, CURRENCY)
                      for v in table[key].to_numpy()]
    # A static table: a few rows, and an interactive grid's late redraw cost a rung-cost
    # change about 0.1-0.2 s at 100,000 customers. Figures formatted as the registry says.
    for key in ("customers", "avg_revenue", "avg_profit"):
        table[key] = [METRICS[key].format(v, CURRENCY) for v in table[key].to_numpy()]
    shown = table[["rung", "label", "customers", "avg_revenue", "avg_profit", "profit_gain",
                   "return_on_effort_pct"]].rename(columns={
                       "rung": "Rung", "label": "Evidence",
                       **{k: METRICS[k].label for k in ("customers", "avg_revenue",
                                                        "avg_profit", "profit_gain",
                                                        "return_on_effort_pct")}})
    st.table(shown.set_index("Rung"))
    st.markdown(md_escape(return_sentence(pf.ladder, pf.rung_cost, CURRENCY)))


def spectrum_ui(pf, pnl: pd.DataFrame) -> None:
    st.subheader("Relationship spectrum and overdesigned relationships")
    c = pf.customers
    kinds = c["relationship"].value_counts()
    inferred = c["relationship_inferred"].astype(bool)
    cards = [(RELATIONSHIP_LABELS[k], int(kinds.get(k, 0)),
              f"{int((inferred & (c['relationship'] == k)).sum()):,} of them inferred.")
             for k in RELATIONSHIPS]
    cards.append(("Types inferred", int(inferred.sum()), "Customers whose relationship type "
                  "is inferred from behaviour (no stated type in the customers column)."))
    for column, (label, value, text) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, f"{value:,}", help=text, border=True)
    st.caption("Inferred, first match wins: collaborative when the customer co-develops or "
               "invests; transactional when its price index is below 1 (or, without one, "
               "it did not buy in every calendar year of the period); value-adding "
               "otherwise.")
    if not c["relationship_inferred"].eq(False).any():
        note(f"Every relationship type is inferred: add {enabler('relationship')} to state "
             "them.")
    if not pf.relationship_activities:
        note("Relationship cost and overdesigned relationships need activities flagged as "
             "relationship investment: add the column relationship (true/false) in the "
             "rates file, tick it in the rate card on the Data page, or set "
             "relationship = true on a recipe driver.")
        return
    st.caption(md_escape("Relationship investment: " + ", ".join(pf.relationship_activities)
                         + ". Overdesigned: transactional, with a relationship cost above "
                         "the median of the customers that are not transactional."))
    over = pf.overdesigned
    st.markdown("**Overdesigned relationships**")
    st.markdown(md_escape(overdesign_sentence(
        len(over), float(over["relationship_cost"].sum()), pf.overdesign_threshold,
        CURRENCY, inferred=int((over["type_source"] == "inferred").sum()))))
    if over.empty:
        return
    st.dataframe(first_rows(over, "overdesigned customers"), hide_index=True,
                 width="stretch", column_config={
        "customer_id": st.column_config.TextColumn("Customer"),
        "name": st.column_config.TextColumn("Name"),
        "type_source": st.column_config.TextColumn(
            "Type", help="stated: the customers file says transactional; inferred: from "
            "behaviour (confirm before cutting)"),
        **metric_columns("relationship_cost", "net_revenue", "profit",
                         "profit_without_relationship_cost")})
    download_buttons(over, "overdesigned-relationships", key="rel_over_dl")


def wallet_ui(pf, pnl: pd.DataFrame, customers: pd.DataFrame, has_last12: bool) -> None:
    """``customers``: the customer base's attributes (is a wallet column loaded?)."""
    st.subheader("Share of wallet and growth prospects")
    st.number_input("Cost of winning the headroom (% of it)", min_value=0.0, max_value=100.0,
                    step=1.0, value=kept("rel_win_cost"), key="rel_win_cost",
                    on_change=keep, args=("rel_win_cost",),
                    help="Sales and service effort to win the rest of the wallet, as % of "
                    "the headroom; taken off each growth prospect.")
    c = pf.customers
    has_wallet = "wallet" in customers.columns and bool(customers["wallet"].notna().any())
    if not has_wallet or not has_last12:
        needs = ([] if has_wallet else [enabler("wallet")]) + (
            [] if has_last12 else ["a period of at least 12 months (widen it in the sidebar)"])
        note("Share of wallet and growth prospects need " + " and ".join(needs) + ".")
        return
    growth = pf.growth
    if growth.empty:
        note("No customer with a wallet has a net margin in this selection: widen the "
             "period or clear the filters in the sidebar.")
        return
    known = int(c["share_of_wallet_pct"].notna().sum())
    st.caption(f"{known:,} of {len(c):,} customers have a wallet. Growth prospect = "
               "headroom (wallet - last 12 months' revenue) x net margin % - the cost of "
               "winning it; largest first.")
    if growth["underperformer"].head(20).any():
        st.warning(md_escape(underperformer_warning(growth, 20, CURRENCY)),
                   icon=":material/warning:")
    else:
        st.caption(md_escape(underperformer_warning(growth, 20, CURRENCY)))
    def table(rows: pd.DataFrame) -> pd.DataFrame:
        return with_names(rows, pnl).assign(
            buyer_type=rows["buyer_type"].map(BUYER_LABELS).to_numpy())

    shown = table(first_rows(growth, "growth prospects"))
    st.dataframe(shown.drop(columns="underperformer"),
                 hide_index=True, width="stretch", column_config={
                     "customer_id": st.column_config.TextColumn("Customer"),
                     "name": st.column_config.TextColumn("Name"),
                     "buyer_type": st.column_config.TextColumn("Buyer type"),
                     **metric_columns("wallet", "revenue_last12", "share_of_wallet_pct",
                                      "headroom", "growth_prospect")})
    download_buttons(lambda: table(growth), "growth-prospects", key="rel_growth_dl")


def cohorts_ui(pf, first_year: int) -> None:
    st.subheader("Retention and relationship age")
    c = pf.customers
    source = c["cohort_source"].value_counts()
    since, first = int(source.get("since", 0)), int(source.get("first_purchase", 0))
    st.caption(f"Cohort = the year the relationship began: the customers column since for "
               f"{since:,} customers, the year of the first invoice line for {first:,}. "
               "Active: positive net revenue that year.")
    if since == 0:
        note(f"Cohorts start at the first invoice line: add {enabler('since')} to date "
             "relationships that began before the data.")
    cohorts = pf.cohorts
    if cohorts.empty:
        note("No customer has a known start in this selection: widen the period or clear "
             "the filters in the sidebar.")
        return
    show_chart(cohort_heatmap_figure(heatmap_cohorts(cohorts, first_year)),
               "relationships-retention")
    st.caption(f"Cohorts that began before {first_year} are pooled in the top row; the "
               "download has every cohort and year, with profit per active customer.")
    download_buttons(pf.cohorts_export(), "cohorts", key="rel_cohorts_dl")
    st.markdown("**Profit and cost to serve by relationship age**")
    ages = pf.ages
    if ages.empty:
        note("No active customer-year has a known start: widen the period in the sidebar.")
        return
    st.markdown(md_escape(age_sentence(ages)))
    show_chart(relationship_age_figure(ages, CURRENCY), "relationships-age")
    st.caption("Ages with at least 30 active customer-years are drawn and compared; the "
               "table has them all.")
    st.dataframe(ages, hide_index=True, width="stretch", height=240,
                 column_config=metric_columns("years_since_start", "customer_years",
                                              "profit_per_customer", "cost_to_serve_pct"))
