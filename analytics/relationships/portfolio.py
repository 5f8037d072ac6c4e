"""The relationship portfolio: buyer types, loyalty ladder, spectrum, wallet and cohorts
assembled for one period, with the CLI's ``portfolio.csv``, ``ladder.csv``,
``cohorts.csv`` frames and summary.

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> ids = pd.Index(["A", "B"], name="customer_id")
>>> pnl = pd.DataFrame({"net_revenue": [1000.0, 200.0], "cogs": [600.0, 150.0],
...                     "net_margin": [400.0, 50.0], "net_margin_pct": [40.0, 25.0],
...                     "cost_to_serve": [100.0, 80.0], "profit": [300.0, -30.0],
...                     "cts_Visit": [60.0, 70.0], "cts_Order": [40.0, 10.0]}, index=ids)
>>> rates = pd.DataFrame({"activity": ["Visit", "Order"], "relationship": [True, False]})
>>> years = pd.DataFrame({"customer_id": ["A", "A", "B"], "year": [2024, 2025, 2025],
...                       "net_revenue": [400.0, 600.0, 200.0], "cogs": [0.0] * 3,
...                       "lines": [4, 6, 2]})
>>> first = pd.Series([dt.date(2024, 1, 5), dt.date(2025, 2, 1)], index=ids)
>>> result = build_portfolio(pnl, pd.DataFrame(index=ids), rates, years, first,
...                          period_end=dt.date(2025, 12, 31))
>>> table = result.portfolio_export()
>>> table["buyer_type"].tolist(), table["loyalty_rung_name"].tolist()
(['partner', 'commodity'], ['repurchases', 'not_on_ladder'])
>>> table["relationship"].tolist(), table["overdesigned"].tolist()
(['value_adding', 'transactional'], [False, True])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analytics.money import round_money
from analytics.relationships.buyers import (
    BUYER_TYPES,
    DIFFERENCE_FROM_QUADRANTS,
    BuyerTypes,
    buyer_types,
)
from analytics.relationships.cohorts import (
    COHORT_COLUMNS,
    age_table,
    cohort_table,
    customer_cohorts,
)
from analytics.relationships.ladder import (
    DEFAULT_LADDER,
    LADDER_COLUMNS,
    Ladder,
    bought_by_year,
    ladder_evidence,
    ladder_table,
    place_on_ladder,
)
from analytics.relationships.spectrum import (
    RELATIONSHIPS,
    infer_relationship,
    overdesign_threshold,
    overdesigned,
    overdesigned_list,
    relationship_activities,
    relationship_cost,
)
from analytics.relationships.wallet import growth_ranking, share_of_wallet

PORTFOLIO_COLUMNS = (
    "customer_id", "buyer_type", "loyalty_rung", "loyalty_rung_name", "relationship",
    "relationship_inferred", "relationship_cost", "overdesigned", "share_of_wallet_pct",
    "growth_prospect", "cohort", "tenure_years",
)


@dataclass(frozen=True)
class Portfolio:
    """Every relationship view of one period.

    ``customers`` holds :data:`PORTFOLIO_COLUMNS` (but the id, the index) and the
    figures behind them (net revenue, profit, wallet, headroom, cohort source, each
    rung's evidence as ``evidence_<rung>``); ``ladder`` the rung table with the return on
    effort; ``overdesigned`` and ``growth`` the ranked lists; ``cohorts`` and ``ages``
    the retention and relationship-age tables; ``missing`` a sentence per view the data
    cannot fill and which column would.
    """

    customers: pd.DataFrame
    buyers: BuyerTypes
    placed: Ladder
    ladder: pd.DataFrame
    overdesigned: pd.DataFrame
    overdesign_threshold: float
    relationship_activities: tuple[str, ...]
    growth: pd.DataFrame
    cohorts: pd.DataFrame
    ages: pd.DataFrame
    rung_cost: float | None = None
    win_cost_pct: float = 0.0
    missing: tuple[str, ...] = field(default_factory=tuple)

    def with_costs(self, rung_cost: float | None, win_cost_pct: float) -> Portfolio:
        """The same portfolio for another cost per rung and cost of winning: only the
        ladder's return on effort and the growth prospects are worked out again (a page
        control change need not rebuild the rest).

        >>> import pandas as pd
        >>> ids = pd.Index(["A"], name="customer_id")
        >>> pnl = pd.DataFrame({"net_revenue": [100.0], "net_margin": [40.0],
        ...                     "net_margin_pct": [40.0], "cost_to_serve": [5.0],
        ...                     "profit": [35.0]}, index=ids)
        >>> years = pd.DataFrame({"customer_id": ["A"], "year": [2025], "net_revenue": [100.0]})
        >>> base = build_portfolio(pnl, pd.DataFrame({"wallet": [300.0]}, index=ids),
        ...                        pd.DataFrame({"activity": []}), years, pd.Series(dtype=object),
        ...                        revenue_last12=pnl["net_revenue"])
        >>> base.customers["growth_prospect"].tolist(), base.with_costs(
        ...     None, 10.0).customers["growth_prospect"].tolist()
        ([80.0], [60.0])
        """
        if not np.isfinite(win_cost_pct) or win_cost_pct < 0:
            raise ValueError("the cost of winning must be a percentage, 0 or more")
        if float(win_cost_pct) == self.win_cost_pct:  # the rung cost alone: the ladder
            return replace(self, ladder=ladder_table(self.placed, self.customers, rung_cost),
                           rung_cost=rung_cost)
        c = self.customers
        headroom = c["headroom"].astype(float)
        prospect = round_money(headroom * c["net_margin_pct"].astype(float) / 100.0
                               - headroom * float(win_cost_pct) / 100.0)
        customers = c.assign(growth_prospect=prospect)
        wallet = customers[["wallet", "revenue_last12", "share_of_wallet_pct", "headroom",
                            "growth_prospect"]]
        return replace(self, customers=customers,
                       ladder=ladder_table(self.placed, customers, rung_cost),
                       growth=growth_ranking(wallet, self.buyers.types),
                       rung_cost=rung_cost, win_cost_pct=float(win_cost_pct))

    def portfolio_export(self) -> pd.DataFrame:
        """``portfolio.csv``: one row per customer, :data:`PORTFOLIO_COLUMNS`, by id."""
        frame = self.customers.reset_index()
        frame["customer_id"] = frame["customer_id"].astype(str)
        return frame[list(PORTFOLIO_COLUMNS)].sort_values(
            "customer_id", kind="stable").reset_index(drop=True)

    def ladder_export(self) -> pd.DataFrame:
        """``ladder.csv``: ``rung, name, customers, avg_revenue, avg_profit``."""
        return self.ladder[list(LADDER_COLUMNS)]

    def cohorts_export(self) -> pd.DataFrame:
        """``cohorts.csv``: one row per cohort and year."""
        return self.cohorts[list(COHORT_COLUMNS)]

    def summary(self) -> dict:
        """The figures of ``portfolio_summary.json``: money to the cent, NaN as null."""
        def number(value):
            return None if value is None or pd.isna(value) else float(value)

        def money(value):
            return None if value is None or pd.isna(value) else round_money(float(value))

        c = self.customers
        groups = {row.buyer_type: {"customers": int(row.customers),
                                   "revenue_share_pct": number(row.revenue_share_pct),
                                   "net_revenue": money(row.net_revenue),
                                   "profit": money(row.profit), "move": row.move}
                  for row in self.buyers.groups.itertuples()}
        kinds = c["relationship"].value_counts()
        flagged = c["overdesigned"].fillna(False).to_numpy(dtype=bool)
        has_cost = c["relationship_cost"].notna().any()
        prospect = c["growth_prospect"]
        under = (c["buyer_type"] == "underperformer").fillna(False).to_numpy(dtype=bool)
        total_prospect = float(prospect.sum()) if prospect.notna().any() else None
        sources = c["cohort_source"].value_counts()
        return {
            "customers": len(c),
            "buyer_types": {
                "method": self.buyers.method,
                "reward_threshold": money(self.buyers.reward_threshold),
                "cost_threshold": money(self.buyers.cost_threshold),
                "groups": groups,
                "difference_from_quadrants": DIFFERENCE_FROM_QUADRANTS,
            },
            "ladder": {
                "rungs": list(self.placed.ladder),
                "skipped": dict(self.placed.skipped),
                "rung_cost": money(self.rung_cost),
                "customers_per_rung": {
                    row.name: (None if pd.isna(row.customers) else int(row.customers))
                    for row in self.ladder.itertuples()},
                "return_on_effort_pct": {
                    row.name: number(row.return_on_effort_pct)
                    for row in self.ladder.itertuples() if row.rung > 0},
            },
            "relationships": {
                "types": {k: int(kinds.get(k, 0)) for k in RELATIONSHIPS},
                "inferred": int(c["relationship_inferred"].sum()),
                "relationship_activities": list(self.relationship_activities),
                "overdesign_threshold": money(self.overdesign_threshold),
                "overdesigned": int(flagged.sum()) if has_cost else None,
                "overdesigned_relationship_cost": money(
                    c.loc[flagged, "relationship_cost"].sum()) if has_cost else None,
            },
            "wallet": {
                "customers_with_wallet": int(c["share_of_wallet_pct"].notna().sum()),
                "win_cost_pct": self.win_cost_pct,
                "growth_prospect": money(total_prospect),
                "underperformer_growth_prospect": money(
                    prospect[under].sum()) if total_prospect is not None else None,
            },
            "cohorts": {
                "from_since": int(sources.get("since", 0)),
                "from_first_purchase": int(sources.get("first_purchase", 0)),
                "unknown": int(c["cohort"].isna().sum()),
            },
            "relationship_age": [
                {"years_since_start": int(row.years_since_start),
                 "customer_years": int(row.customer_years),
                 "profit_per_customer": money(row.profit_per_customer),
                 "cost_to_serve_pct": number(row.cost_to_serve_pct)}
                for row in self.ages.itertuples()],
            "missing": list(self.missing),
        }


def _column_known(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and frame[column].notna().any()


def build_portfolio(
    pnl: pd.DataFrame,
    customers: pd.DataFrame,
    rates: pd.DataFrame,
    customer_years: pd.DataFrame,
    first_purchase: pd.Series,
    price_index: pd.Series | None = None,
    *,
    yearly: pd.DataFrame | None = None,
    revenue_last12: pd.Series | None = None,
    revenue_prior12: pd.Series | None = None,
    years: Sequence[int] | None = None,
    period_end: dt.date | None = None,
    ladder: Sequence[str] = DEFAULT_LADDER,
    buyer_method: str = "median",
    reward_threshold: float | None = None,
    cost_threshold: float | None = None,
    rung_cost: float | None = None,
    win_cost_pct: float = 0.0,
) -> Portfolio:
    """Assemble every relationship view of a period.

    Parameters
    ----------
    pnl : the period's customer P&L (``Analysis.pnl``): ``net_revenue, net_margin,
        net_margin_pct, cost_to_serve, profit, cts_<activity>``.
    customers : the customers' attributes (``CustomerBase.customers``): ``since``,
        ``wallet``, ``referrals``, ``co_development``, ``invests``, ``relationship`` when
        present.
    rates : the rate card, with a bool ``relationship`` column when activities are
        flagged as relationship investment.
    customer_years : ``customer_id, year, net_revenue, cogs, lines`` per calendar year.
    first_purchase : customer id -> date of its first invoice line in the whole dataset.
    price_index : customer id -> price index (all NaN or None: not available).
    yearly : ``customer_id, year, net_revenue, cost_to_serve, profit`` per customer and
        calendar year (profit per cohort); without it the cohorts' profit is empty.
    revenue_last12, revenue_prior12 : net revenue per customer in the period's last 12
        months and the 12 before (None when the period is too short for them).
    years : the period's calendar years (default: those of ``customer_years``).
    period_end : the period's last day (tenure).
    ladder : the rung keys, in order.
    buyer_method, reward_threshold, cost_threshold : see
        :func:`analytics.relationships.buyers.buyer_types`.
    rung_cost : cost of moving one customer up a rung (return on effort).
    win_cost_pct : cost of winning the wallet's headroom, % of it.
    """
    index = pnl.index
    if years is None:
        found = customer_years["year"].astype(int)
        years = list(range(int(found.min()), int(found.max()) + 1)) if len(found) else []
    years = [int(y) for y in years]
    if price_index is not None and not price_index.notna().any():
        price_index = None
    attrs = customers.reindex(index)
    missing = []

    buyers = buyer_types(pnl, buyer_method, reward_threshold, cost_threshold)

    evidence = ladder_evidence(index, attrs, customer_years, years, price_index,
                               revenue_last12, revenue_prior12)
    placed = place_on_ladder(evidence, ladder)
    rungs_table = ladder_table(placed, pnl, rung_cost)
    for key, reason in placed.skipped.items():
        missing.append(f"Loyalty rung {key} {reason}.")

    years_bought = pd.Series(bought_by_year(customer_years, index, years).sum(axis=1).to_numpy(),
                             index=index)
    kind, inferred = infer_relationship(index, attrs, price_index, years_bought, len(years))
    if not _column_known(attrs, "relationship"):
        missing.append("Relationship types are inferred from behaviour: a customers column "
                       "relationship would state them.")
    activities = relationship_activities(rates)
    cost = relationship_cost(pnl, activities)
    if not activities:
        missing.append("Relationship cost and overdesigned relationships need activities "
                       "flagged as relationship investment (rate card column relationship).")
    flags = overdesigned(kind, cost)
    threshold = overdesign_threshold(kind, cost)

    if _column_known(attrs, "wallet") and revenue_last12 is not None:
        wallet = share_of_wallet(attrs["wallet"], revenue_last12, pnl["net_margin_pct"],
                                 win_cost_pct)
    else:
        wallet = share_of_wallet(pd.Series(np.nan, index=index), pd.Series(0.0, index=index),
                                 pnl["net_margin_pct"], win_cost_pct)
        needs = ([] if _column_known(attrs, "wallet") else ["the customers column wallet"]) + (
            [] if revenue_last12 is not None else ["a period of at least 12 months"])
        missing.append(f"Share of wallet and growth prospects need {' and '.join(needs)}.")
    growth = growth_ranking(wallet, buyers.types)

    since = attrs["since"] if "since" in attrs.columns else None
    cohorts = customer_cohorts(index, first_purchase, since, period_end)
    profit_years = yearly if yearly is not None else customer_years.assign(profit=np.nan)
    cohort_frame = cohort_table(cohorts["cohort"], profit_years, years)
    ages = age_table(cohorts["cohort"], profit_years)

    table = pd.DataFrame({
        "buyer_type": buyers.types,
        "loyalty_rung": placed.rungs,
        "loyalty_rung_name": placed.names(),
        "relationship": kind,
        "relationship_inferred": inferred,
        "relationship_cost": cost,
        "overdesigned": flags,
        "share_of_wallet_pct": wallet["share_of_wallet_pct"],
        "growth_prospect": wallet["growth_prospect"],
        "cohort": cohorts["cohort"],
        "tenure_years": cohorts["tenure_years"],
        "cohort_source": cohorts["cohort_source"],
        "net_revenue": pnl["net_revenue"].astype(float),
        "profit": pnl["profit"].astype(float),
        "wallet": wallet["wallet"],
        "revenue_last12": wallet["revenue_last12"],
        "headroom": wallet["headroom"],
        "net_margin_pct": pnl["net_margin_pct"].astype(float),
        "price_index": (price_index.reindex(index).astype(float) if price_index is not None
                        else pd.Series(np.nan, index=index)),
    }, index=index)
    for key in evidence.columns:
        table[f"evidence_{key}"] = evidence[key]
    table.index.name = "customer_id"
    return Portfolio(
        customers=table, buyers=buyers, placed=placed, ladder=rungs_table,
        overdesigned=overdesigned_list(pnl, flags, cost, inferred),
        overdesign_threshold=threshold,
        relationship_activities=tuple(activities), growth=growth, cohorts=cohort_frame,
        ages=ages, rung_cost=rung_cost, win_cost_pct=win_cost_pct, missing=tuple(missing))


__all__ = ["BUYER_TYPES", "PORTFOLIO_COLUMNS", "Portfolio", "build_portfolio"]
