"""The Pricing page's results: headline figures, bridge, whale curves, movements between
quadrants, the customers who pay more and the menu check."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.charts import (
    migration_sankey_figure,
    scenario_bridge_figure,
    whale_comparison_figure,
)
from analytics.metrics import METRICS, format_money, format_money_short, format_pct
from analytics.quadrants import LABELS
from analytics.scenario import (
    ScenarioResult,
    cost_split_sentence,
    impact_table,
    payer_rows,
    stake_sentence,
)
from pages.ui.chart import show_chart
from pages.ui.state import CURRENCY
from pages.ui.widgets import download_buttons, md_escape, metric_columns

MAX_PAYERS_SHOWN = 5000


def kpis_ui(result: ScenarioResult) -> None:
    f = result.figures
    before = f["profit_before"]

    def share(change: float) -> str | None:
        return f"{format_pct(100 * change / abs(before))} of today" if before else None

    top = st.columns(3)
    bottom = st.columns(3)
    exact = {key: format_money(f[key], CURRENCY) for key in
             ("profit_before", "profit_after_capacity_kept", "profit_after_capacity_cut",
              "at_risk_leave_profit_change", "at_risk_leave_profit_change_capacity_cut",
              "stranded_capacity_cost", "avoidable_cost_saved")}
    top[0].metric(METRICS["profit_before"].label, format_money_short(before, CURRENCY),
                  help=f"Today's operating profit. Exactly {exact['profit_before']}.",
                  border=True)
    for column, case, text in (
        (top[1], "kept", "while the capacity freed stays (its cost goes on: "
         f"{exact['stranded_capacity_cost']})"),
        (top[2], "cut", "once the capacity freed is cut too"),
    ):
        change = f[f"profit_change_capacity_{case}"]
        column.metric(METRICS[f"profit_after_capacity_{case}"].label,
                      format_money_short(f[f"profit_after_capacity_{case}"], CURRENCY),
                      delta=share(change) if change else None, delta_color="normal",
                      help=f"The company's operating profit under the scenario {text}. "
                      f"Exactly {exact[f'profit_after_capacity_{case}']}, a change of "
                      f"{format_money(change, CURRENCY)}.", border=True)
    customers = f["customers"]
    bottom[0].metric(METRICS["customers_paying_more"].label, f"{f['customers_paying_more']:,}",
                     delta=f"{format_pct(100 * f['customers_paying_more'] / customers)} of "
                     "customers" if customers else None, delta_color="off", delta_arrow="off",
                     help="Customers whose bill (net revenue plus fees, on today's volume) "
                     "rises.", border=True)
    bottom[1].metric(METRICS["customers_at_risk"].label, f"{f['customers_at_risk']:,}",
                     delta=f"bill > +{format_pct(result.scenario.at_risk_pct)}",
                     delta_color="off", delta_arrow="off", border=True,
                     help="Customers whose bill rises by more than the at-risk threshold.")
    bottom[2].metric(
        METRICS["at_risk_leave_profit_change"].label,
        format_money_short(f["at_risk_leave_profit_change"], CURRENCY),
        delta=(f"capacity cut: "
               f"{format_money_short(f['at_risk_leave_profit_change_capacity_cut'], CURRENCY)}"),
        delta_color="off", delta_arrow="off", border=True,
        help="The change in company profit if the at-risk customers leave, while their "
        "capacity is kept (their timed cost stays as unused capacity): exactly "
        f"{exact['at_risk_leave_profit_change']}. Only if that capacity is cut too: "
        f"{exact['at_risk_leave_profit_change_capacity_cut']}.",
    )
    st.caption(md_escape(cost_split_sentence(f, CURRENCY)))


def bridge_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Profit bridge")
        st.caption("From today's operating profit to the scenario's, effect by effect. "
                   f"Scope: {md_escape(result.scenario.scope.label)}.")
        show_chart(scenario_bridge_figure(result.bridge, CURRENCY), "profit-bridge",
                   key="pr_bridge")


def whale_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Whale curve before and after")
        show_chart(
            whale_comparison_figure([("Today", result.whale_before),
                                     (result.scenario.name, result.whale_after)], CURRENCY),
            "whale-before-after", key="pr_whale",
        )
        before, after = result.whale_before.summary, result.whale_after.summary
        text = (f"Unprofitable customers: {before.unprofitable_customers:,} today, "
                f"{after.unprofitable_customers:,} after.")
        if before.total_profit > 0:  # the chart's scale: % of today's operating profit
            today = before.total_profit
            text += (f" Peak of the curve: {format_pct(100 * before.peak_profit / today)} "
                     f"of today's operating profit today, "
                     f"{format_pct(100 * after.peak_profit / today)} after.")
        else:
            text += (f" Peak of the curve: {format_money(before.peak_profit, CURRENCY)} "
                     f"today, {format_money(after.peak_profit, CURRENCY)} after.")
        st.text(text)


def migration_ui(result: ScenarioResult) -> None:
    with st.container(border=True):
        st.subheader("Movements between quadrants")
        st.caption("Customers by quadrant today (rows) and after (columns), placed with "
                   "today's thresholds so a move is a real move.")
        counts = result.migration
        moved = int(counts.to_numpy().sum() - counts.to_numpy().trace())
        # A static table: a 4x4 grid needs no scrolling or sorting, and the interactive
        # grid's deferred redraw would cost a slider move ~0.2 s in the browser.
        table = counts.rename(index=LABELS, columns=LABELS).map("{:,}".format)
        table.index.name = "Today ↓ / after →"
        st.table(table)
        st.text(f"{moved:,} customer(s) change quadrant.")
        show_chart(migration_sankey_figure(result.migration), "quadrant-movements",
                   key="pr_sankey")


IMPACT_COLUMNS = {
    "customer_id": st.column_config.TextColumn("Customer"),
    "name": st.column_config.TextColumn("Name"),
    "segment": st.column_config.TextColumn("Segment"),
    **metric_columns("bill_change", "bill_change_pct"),
    "at_risk": st.column_config.CheckboxColumn("At risk"),
    **metric_columns("net_revenue_before", "net_revenue_after", "fee_revenue",
                     "cost_to_serve_before", "cost_to_serve_after", "profit_before",
                     "profit_after", "volume_kept_pct", profit_after="Profit after"),
    "quadrant_before": st.column_config.TextColumn("Quadrant today"),
    "quadrant_after": st.column_config.TextColumn("Quadrant after"),
}


def payers_ui(result: ScenarioResult, customers: pd.DataFrame) -> None:
    with st.container(border=True):
        st.subheader("Customers who pay more")
        f = result.figures
        rows = payer_rows(result)
        st.caption(
            f"{f['customers_paying_more']:,} customer(s) pay more; "
            f"{f['customers_at_risk']:,} of them by more than "
            f"{format_pct(result.scenario.at_risk_pct)} (at risk). {stake_sentence(f, CURRENCY)} "
            "Click a column header to sort."
        )
        if not len(rows):
            st.info("Nobody pays more in this scenario.", icon=":material/info:")
        else:
            shown = impact_table(result, customers, rows[:MAX_PAYERS_SHOWN])
            order = [c for c in IMPACT_COLUMNS if c in shown.columns]
            st.dataframe(shown[order], hide_index=True, width="stretch", height=360,
                         column_config=IMPACT_COLUMNS)
            if len(rows) > MAX_PAYERS_SHOWN:
                st.caption(f"The {MAX_PAYERS_SHOWN:,} largest increases are shown; the "
                           "downloads hold every customer.")
        st.caption("Download the impact on every customer:")
        download_buttons(lambda: impact_table(result, customers), "scenario-customer-impact",
                         key="pr_impact")


def menu_check_ui(result: ScenarioResult) -> None:
    check = result.menu_check
    with st.container(border=True):
        st.subheader("Menu consistency (Anderson & Narus)")
        st.caption(
            "For collaborative customers (those using more than half of the services on "
            "the menu), the menu prices of the services they use today should add up to "
            "more than the premium the full-service bundle carries (the core price cut "
            "they give up by keeping the bundle): the bundle is cheaper to provide."
        )
        if not check.applicable:
            st.info(md_escape(check.note), icon=":material/info:")
            return
        columns = st.columns(3)
        columns[0].metric("Collaborative customers", f"{check.collaborative_customers:,}",
                          border=True)
        columns[1].metric("Menu prices of the services they use",
                          format_money_short(check.menu_total, CURRENCY),
                          help=f"Exactly {format_money(check.menu_total, CURRENCY)}.",
                          border=True)
        columns[2].metric("Bundle premium", format_money_short(check.bundle_premium, CURRENCY),
                          help=f"Exactly {format_money(check.bundle_premium, CURRENCY)}.",
                          border=True)
        if check.consistent:
            st.success(md_escape(check.note), icon=":material/check_circle:")
        else:
            st.warning(md_escape(check.note), icon=":material/warning:")
        if check.undercut_customers:
            st.text(f"{check.undercut_customers:,} collaborative customer(s) would pay less à "
                    "la carte than the bundle premium.")
