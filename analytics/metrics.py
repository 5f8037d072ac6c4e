"""Metrics declared once: label, format and definition, shared by pages, exports and CLI.

Example
-------
>>> METRICS["profit"].label, METRICS["profit"].unit
('Operating profit', 'money')
>>> format_money(-1234.5)
'-$1,234.50'
>>> format_money_short(140_494_423)
'$140.5M'
>>> format_pct(12.345)
'12.3%'
>>> format_change_short(30_604_896.97, 28_000_000)
'+$2.6M (+9.3%)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

UNITS = ("money", "pct", "count", "minutes", "rate", "probability")


@dataclass(frozen=True)
class Metric:
    """One figure, declared once: its key (the column or summary key), the label pages
    and board packs show, its unit (``money``, ``pct`` as 12.5 for 12.5 %, ``count``)
    ``minutes`` (capacity and time), ``rate`` (money per unit, more decimals),
    ``probability`` (0 to 1, shown as a percentage) and a
    definition a finance analyst can check.

    >>> METRICS["stranded_capacity_cost"].format(2_484_070.85)
    '$2,484,070.85'
    >>> METRICS["bill_change_pct"].format(9.5), METRICS["customers_at_risk"].format(1234)
    ('9.5%', '1,234')
    """

    key: str
    label: str
    unit: str
    definition: str

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unit must be one of {', '.join(UNITS)}")

    @property
    def kind(self) -> str:  # the name the report's code used
        return self.unit

    @property
    def is_money(self) -> bool:
        return self.unit == "money"

    def format(self, value, currency: str = "$") -> str:
        """The value in full: money to the cent, a percentage with one decimal, a count."""
        if self.unit == "money":
            return format_money(value, currency)
        if self.unit == "pct":
            return format_pct(value)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if self.unit == "probability":
            return format_pct(100 * value)
        if self.unit == "rate":
            return format_money(value, currency, decimals=4)
        if self.unit == "minutes":
            return f"{value:,.1f} min"
        return f"{int(value):,}"

    def format_short(self, value, currency: str = "$") -> str:
        """The value for a headline card ($7.7M)."""
        return format_money_short(value, currency) if self.unit == "money" else self.format(
            value, currency)


def _m(key: str, label: str, unit: str, definition: str) -> Metric:
    return Metric(key, label, unit, definition)


_REPORT = (
    _m("customers", "Customers", "count",
       "Customers with invoice lines or activity in the period."),
    _m("list_revenue", "List revenue", "money", "Volume at list price, before any discount."),
    _m("discounts", "Discounts", "money", "List revenue minus net revenue."),
    _m("net_revenue", "Net revenue", "money", "What customers actually paid."),
    _m("cogs", "COGS", "money", "Cost of the goods sold."),
    _m("net_margin", "Net margin", "money", "Net revenue minus COGS."),
    _m("net_margin_pct", "Net margin %", "pct", "Net margin as % of net revenue."),
    _m("cost_to_serve", "Cost to serve", "money",
       "Activity costs traced to customers by time-driven ABC."),
    _m("cost_to_serve_pct", "Cost to serve %", "pct", "Cost to serve as % of net revenue."),
    _m("profit", "Operating profit", "money", "Net margin minus cost to serve."),
    _m("unused_capacity_cost", "Unused capacity", "money",
       "Cost of practical capacity no activity used; reported, never spread over customers."),
    _m("profit_after_unused_capacity", "Profit after unused capacity", "money",
       "Operating profit minus the cost of unused capacity: the company's profit."),
    _m("unprofitable", "Unprofitable", "count", "Customers with an operating loss."),
    _m("profit_pct", "Operating profit %", "pct", "Operating profit as % of net revenue."),
    _m("p_unprofitable", "Chance of a loss", "probability",
       "Share of the Monte Carlo's rate draws in which the customer loses money."),
    # The whale curve (whale.csv).
    _m("rank", "Rank", "count", "Position by profit, most profitable first (ties by id)."),
    _m("cum_customers_pct", "Customers %", "pct", "Share of customers up to this one."),
    _m("cum_profit_pct", "Cumulative profit %", "pct",
       "Cumulative operating profit as % of the total."),
    _m("cum_revenue_pct", "Cumulative revenue %", "pct",
       "Cumulative net revenue as % of the total."),
    # Resources and capacity (capacity.csv).
    _m("cost", "Resource cost", "money", "What the resource costs in the period."),
    _m("capacity", "Practical capacity", "minutes", "Time the resource can work."),
    _m("used", "Used", "minutes", "Time the activities used."),
    _m("unused", "Unused", "minutes", "Practical capacity minus the time used."),
    _m("unused_cost", "Unused capacity cost", "money", "Cost of the unused time."),
    _m("capacity_cost_rate", "Cost per minute", "rate",
       "Resource cost / practical capacity."),
)
# A scenario's per-customer columns and summary figures (analytics.scenario).
_SCENARIO = (
    _m("net_revenue_before", "Net revenue today", "money", "Today's net revenue."),
    _m("net_revenue_after", "Net revenue after", "money",
       "Net revenue after the core price change and the volume kept."),
    _m("fee_revenue", "Fees", "money",
       "Service fees plus small-order surcharges billed under the scenario."),
    _m("service_fee_revenue", "Service fees", "money",
       "Fees for the services on the menu, on the usage kept."),
    _m("surcharge_revenue", "Small-order surcharges", "money",
       "Surcharges on the orders still below the minimum."),
    _m("cogs_before", "COGS today", "money", "Today's cost of the goods sold."),
    _m("cogs_after", "COGS after", "money", "COGS on the volume kept."),
    _m("cost_to_serve_before", "Cost to serve today", "money", "Today's cost to serve."),
    _m("cost_to_serve_after", "Cost to serve after", "money",
       "Cost to serve on the new usage and rates."),
    _m("profit_before", "Profit today", "money", "Today's operating profit."),
    _m("profit_after", "Scenario profit", "money",
       "The scenario's operating profit: freed capacity kept, unless the scenario says "
       "capacity follows usage (then cut)."),
    _m("bill_change", "Bill change", "money",
       "Net revenue after plus fees minus today's net revenue, on today's volume."),
    _m("bill_change_pct", "Bill change %", "pct", "Bill change as % of today's net revenue."),
    _m("volume_kept_pct", "Volume kept", "pct",
       "Share of today's business kept after the volume response and defection."),
    _m("avoidable_cost_saved", "Avoidable cost saved", "money",
       "Direct (per-unit) cost that goes with the usage given up: saved at once."),
    _m("stranded_capacity_cost", "Capacity freed", "money",
       "Cost of the time freed on timed activities (usage given up, rate cuts, volume "
       "lost): it goes on until someone cuts the capacity."),
    _m("profit_after_capacity_kept", "Profit, capacity kept", "money",
       "Company profit under the scenario while the freed capacity is kept."),
    _m("profit_after_capacity_cut", "Profit, capacity cut", "money",
       "Company profit under the scenario once the freed capacity is cut."),
    _m("profit_change_capacity_kept", "Change, capacity kept", "money",
       "Change in company profit while the freed capacity is kept."),
    _m("profit_change_capacity_cut", "Change, capacity cut", "money",
       "Change in company profit once the freed capacity is cut."),
    _m("cost_saved", "Cost saved", "money",
       "Cost to serve saved on today's volume (usage response, rate changes, orders "
       "consolidated), before any capacity is kept."),
    _m("core_price_effect", "Core price effect", "money",
       "Core price change x today's net revenue, in scope."),
    _m("small_order_effect", "Small-order effect", "money",
       "Surcharges plus the cost saved by consolidated orders."),
    _m("volume_effect", "Volume lost", "money",
       "Profit lost (or won) with the volume the core price and defection move."),
    _m("unsaved_capacity_cost", "Stranded capacity", "money",
       "The freed capacity's cost the scenario profit subtracts (0 when capacity follows "
       "usage)."),
    _m("customers_in_scope", "In scope", "count", "Customers the scenario applies to."),
    _m("customers_paying_more", "Paying more", "count",
       "Customers whose bill rises by a cent or more."),
    _m("customers_at_risk", "At risk", "count",
       "Customers whose bill rises by more than the at-risk threshold."),
    _m("profit_at_stake", "Profit at stake", "money",
       "Today's profit of the at-risk customers (kept for schedules)."),
    _m("profit_after_at_risk", "At-risk profit after", "money",
       "The at-risk customers' profit under the scenario."),
    _m("at_risk_leave_profit_change", "If the at-risk leave", "money",
       "Change in company profit if the at-risk customers leave, their capacity kept."),
    _m("at_risk_leave_profit_change_capacity_cut", "… capacity cut", "money",
       "The same, with their capacity cut too."),
    _m("change", "Change", "money", "Change in operating profit from today."),
)
# Exiting a set of customers (analytics.exit).
_EXIT = (
    _m("revenue_lost", "Revenue lost", "money", "Net revenue of the customers who leave."),
    _m("cogs_saved", "COGS saved", "money", "COGS of the customers who leave."),
    _m("capacity_cost_stranded", "Capacity stranded", "money",
       "Their cost on timed activities: it stays as unused capacity unless cut."),
    _m("avoidable_cost", "Avoidable cost", "money",
       "Cost on direct (per-unit) activities: it goes with the customer."),
    _m("stranded_time", "Time stranded", "minutes",
       "Their time on the resource: it stays unless the capacity is cut."),
    _m("stranded_cost", "Capacity stranded", "money", "That time at the resource's rate."),
    _m("break_even_cut_cost", "Cut to break even", "money",
       "Capacity cost to cut so that their exit costs nothing."),
    _m("break_even_cut_time", "Time to cut", "minutes", "The same cut in time."),
)
# The relationship portfolio (analytics.relationships).
_RELATIONSHIPS = (
    _m("revenue_share_pct", "Revenue share", "pct", "The group's share of net revenue."),
    _m("loyalty_rung", "Loyalty rung", "count",
       "Highest rung met with every assessable rung below it met (0: not on the ladder)."),
    _m("avg_revenue", "Average revenue", "money", "Average net revenue of the rung's customers."),
    _m("avg_profit", "Average profit", "money",
       "Average operating profit of the rung's customers."),
    _m("revenue_gain", "Revenue gain", "money",
       "Average revenue on this rung minus on the assessed rung below."),
    _m("profit_gain", "Profit gain", "money",
       "Average profit on this rung minus on the assessed rung below."),
    _m("return_on_effort_pct", "Return on relationship effort", "pct",
       "100 x (profit gain - cost of moving one customer up a rung) / that cost."),
    _m("relationship_cost", "Relationship cost", "money",
       "Cost to serve on activities flagged as relationship investment."),
    _m("overdesign_threshold", "Overdesign threshold", "money",
       "Median relationship cost of the customers that are not transactional."),
    _m("profit_without_relationship_cost", "Profit without it", "money",
       "Operating profit plus the relationship cost: profit if the investment were cut."),
    _m("revenue_last12", "Revenue, last 12 months", "money",
       "Net revenue in the period's last 12 months."),
    _m("share_of_wallet_pct", "Share of wallet", "pct",
       "Net revenue of the period's last 12 months as % of the customer's annual wallet."),
    _m("headroom", "Headroom", "money", "Wallet minus the last 12 months' revenue (0 or more)."),
    _m("growth_prospect", "Growth prospect", "money",
       "Headroom x net margin % minus the cost of winning it (% of the headroom)."),
    _m("tenure_years", "Relationship age", "count",
       "Whole years from the relationship's start (since, else first invoice line) to the "
       "period's end."),
    _m("active", "Active", "count", "Customers of the cohort with positive net revenue."),
    _m("retention_pct", "Retention", "pct", "Active customers as % of the cohort's size."),
    _m("profit_per_active_customer", "Profit per active customer", "money",
       "The active customers' operating profit that year / active customers."),
    _m("customer_years", "Customer-years", "count", "Active customers counted per year."),
    _m("profit_per_customer", "Profit per customer", "money",
       "Average operating profit of the active customer-years."),
    _m("wallet", "Wallet", "money",
       "The customer's annual spend in the category, all suppliers (customers column wallet)."),
    _m("years_since_start", "Years since start", "count",
       "Calendar years since the relationship began (0: its first year)."),
    _m("price_index", "Price index", "rate",
       "Net revenue / what its quantities cost at each product's median net unit price."),
)
METRICS: dict[str, Metric] = {m.key: m for m in (*_REPORT, *_SCENARIO, *_EXIT,
                                                  *_RELATIONSHIPS)}
# Families of columns named after an activity or resource: cost per activity is money.
MONEY_PREFIXES = ("cts_",)


def is_money(column: str) -> bool:
    """Whether a column or figure holds money: declared so in :data:`METRICS`, or of a
    money family (``cts_<activity>``).

    >>> is_money("profit_after"), is_money("cts_Order change"), is_money("bill_change_pct")
    (True, True, False)
    """
    metric = METRICS.get(column)
    if metric is not None:
        return metric.is_money
    return column.startswith(MONEY_PREFIXES)


def format_money(value: float | None, symbol: str = "$", decimals: int = 2) -> str:
    """Currency with thousands separators; a minus sign before the symbol."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{decimals}f}"


def format_money_short(value: float | None, symbol: str = "$") -> str:
    """Money for a headline: $140.5M, -$9.5M, $312.4k, $950."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{sign}{symbol}{size / limit:,.1f}{suffix}"
    return f"{sign}{symbol}{size:,.0f}"


def format_change_short(value: float, base: float, symbol: str | None = "$") -> str:
    """The change from ``base`` to ``value`` for a headline card: the amount as
    :func:`format_money_short` (a count with separators when ``symbol`` is ``None``) with
    its sign, then the % change against the base's size (left out when the base is 0).

    >>> format_change_short(812_400, 900_000)
    '-$87.6k (-9.7%)'
    >>> format_change_short(-50_000, -100_000)
    '+$50.0k (+50.0%)'
    >>> format_change_short(2_012, 2_000, symbol=None), format_change_short(5, 0)
    ('+12 (+0.6%)', '+$5')
    """
    change = value - base
    sign = "-" if change < 0 else "+"
    amount = (f"{abs(change):,.0f}" if symbol is None
              else format_money_short(abs(change), symbol))
    pct = f" ({sign}{abs(change) / abs(base) * 100:,.1f}%)" if base else ""
    return f"{sign}{amount}{pct}"


def format_pct(value: float | None, decimals: int = 1) -> str:
    """A percentage (12.5 means 12.5 %) with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}%"

