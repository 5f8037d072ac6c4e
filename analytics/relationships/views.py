"""What the Relationships page shows, shaped from a :class:`Portfolio`: the buyer map's
points, the sentences each view says (what the data lacks and which column, file and
recipe key would fill it; the return on effort; the underperformer warning; the claim
that long relationships cost less to serve), and the retention heatmap's cohorts.

Pure: strings and frames, no Streamlit. Money in sentences goes through
:func:`analytics.metrics.format_money`.

Example
-------
>>> enabler("referrals")
'the column referrals in the customers file (recipe key [customers.columns] referrals)'
"""

from __future__ import annotations

import pandas as pd

from analytics.metrics import format_money, format_pct
from analytics.relationships.ladder import RUNGS

# Rung -> (file, column(s)) that would make it assessable; period-bound rungs have none.
RUNG_COLUMNS = {
    "refers": ("customers", ("referrals",)),
    "pays_premium": ("transactions", ("product_id", "quantity")),
    "collaborates": ("customers", ("co_development",)),
    "invests": ("customers", ("invests",)),
}


def enabler(column: str, file: str = "customers") -> str:
    """Which column in which file (and its recipe key) would enable a view.

    >>> enabler("quantity", "transactions")
    'the column quantity in the transactions file (recipe key [transactions.columns] quantity)'
    """
    return (f"the column {column} in the {file} file "
            f"(recipe key [{file}.columns] {column})")


def skipped_rungs(skipped: dict[str, str]) -> list[str]:
    """One sentence per skipped rung: why, and what would enable it.

    >>> lines = skipped_rungs({"refers": "skipped: needs the customers column referrals"})
    >>> print(lines[0])  # doctest: +NORMALIZE_WHITESPACE
    Gives word of mouth (refers) is skipped: add the column referrals in the customers file
    (recipe key [customers.columns] referrals).
    >>> print(skipped_rungs({"stays": "x"})[0])  # doctest: +NORMALIZE_WHITESPACE
    Resists competitors (stays) is skipped: it needs a period covering at least three
    calendar years; widen the period in the sidebar.
    """
    lines = []
    for key in skipped:
        rung = RUNGS[key]
        if key in RUNG_COLUMNS:
            file, columns = RUNG_COLUMNS[key]
            what = " and ".join(enabler(c, file) for c in columns)
            lines.append(f"{rung.label} ({key}) is skipped: add {what}.")
        else:
            lines.append(f"{rung.label} ({key}) is skipped: it needs {rung.needs}; widen the "
                         "period in the sidebar.")
    return lines


def buyer_points(pnl: pd.DataFrame, buyer_type: pd.Series) -> pd.DataFrame:
    """The buyer map's points: ``net_margin, cost_to_serve, net_revenue, buyer_type``
    (and ``name`` when known) per customer with a buyer type.

    >>> pnl = pd.DataFrame({"net_margin": [4.0, 1.0], "cost_to_serve": [1.0, 2.0],
    ...                     "net_revenue": [10.0, 3.0]}, index=["A", "B"])
    >>> buyer_points(pnl, pd.Series(["partner", None], index=["A", "B"])).index.tolist()
    ['A']
    """
    columns = ["net_margin", "cost_to_serve", "net_revenue"] + (
        ["name"] if "name" in pnl.columns else [])
    points = pnl[columns].copy()
    points["buyer_type"] = buyer_type.reindex(pnl.index).to_numpy()
    return points[points["buyer_type"].notna()]


def return_sentence(ladder: pd.DataFrame, rung_cost: float | None, currency: str = "$") -> str:
    """The return on relationship effort in one sentence: the best and worst step up.

    >>> table = pd.DataFrame({"rung": [0, 1, 2], "name": ["not_on_ladder", "repurchases",
    ...     "grows"], "profit_gain": [None, 300.0, -50.0],
    ...     "return_on_effort_pct": [None, 200.0, -150.0]})
    >>> print(return_sentence(table, 100.0))  # doctest: +NORMALIZE_WHITESPACE
    At $100.00 per customer moved up a rung, the best step is onto Repurchases (profit
    +$300.00 per customer, return 200.0%); the worst onto Grows the relationship (-150.0%).
    >>> return_sentence(table, None)
    'Enter the cost of moving one customer up a rung to see the return on relationship effort.'
    """
    if rung_cost is None:
        return ("Enter the cost of moving one customer up a rung to see the return on "
                "relationship effort.")
    steps = ladder[ladder["return_on_effort_pct"].notna()]
    if steps.empty:
        return ("No rung above the bottom has customers on it and below it: there is no "
                "step to measure yet.")
    steps = steps.assign(name=[RUNGS[n].label if n in RUNGS else n for n in steps["name"]])
    best = steps.loc[steps["return_on_effort_pct"].idxmax()]
    worst = steps.loc[steps["return_on_effort_pct"].idxmin()]
    gain = float(best["profit_gain"])
    text = (f"At {format_money(rung_cost, currency)} per customer moved up a rung, the best "
            f"step is onto {best['name']} (profit {'+' if gain >= 0 else ''}"
            f"{format_money(gain, currency)} per customer, return "
            f"{format_pct(best['return_on_effort_pct'])})")
    if worst["name"] != best["name"]:
        text += f"; the worst onto {worst['name']} ({format_pct(worst['return_on_effort_pct'])})"
    return text + "."


def underperformer_warning(growth: pd.DataFrame, top: int = 20, currency: str = "$") -> str:
    """The at-risk of chasing wallet at underperformers, over the ``top`` prospects.

    >>> g = pd.DataFrame({"growth_prospect": [500.0, 300.0, 200.0],
    ...                   "underperformer": [True, False, False]})
    >>> print(underperformer_warning(g, top=2))  # doctest: +NORMALIZE_WHITESPACE
    1 of the 2 largest growth prospects are underperformers (low reward, high cost), holding
    $500.00 of the $800.00 prospect among them: winning more of their wallet grows revenue
    that already costs more to serve than it earns. Fix how they are served first.
    """
    head = growth.head(top)
    under = head["underperformer"].to_numpy(dtype=bool)
    if not under.any():
        return (f"None of the {len(head):,} largest growth prospects is an underperformer: "
                "the headroom sits with customers that earn their cost to serve.")
    held = float(head.loc[under, "growth_prospect"].sum())
    total = float(head["growth_prospect"].sum())
    return (f"{int(under.sum()):,} of the {len(head):,} largest growth prospects are "
            f"underperformers (low reward, high cost), holding {format_money(held, currency)}"
            f" of the {format_money(total, currency)} prospect among them: winning more of "
            "their wallet grows revenue that already costs more to serve than it earns. Fix "
            "how they are served first.")


def overdesign_sentence(count: int, cost: float, threshold: float,
                        currency: str = "$", inferred: int = 0) -> str:
    """The overdesigned relationships in one sentence; ``inferred``: how many of them have
    a relationship type inferred from behaviour, not stated.

    >>> print(overdesign_sentence(3, 1500.0, 200.0, inferred=1))
    ... # doctest: +NORMALIZE_WHITESPACE
    3 transactional customers receive relationship investment above the median of the
    customers that are not transactional ($200.00): $1,500.00 of cost without return, the
    first place to cut. 1 of them is transactional by inference only: confirm the
    relationship it wants before cutting.
    """
    if not count:
        return ("No transactional customer receives relationship investment above the "
                f"median of the others ({format_money(threshold, currency)}).")
    text = (f"{count:,} transactional customers receive relationship investment above the "
            "median of the customers that are not transactional "
            f"({format_money(threshold, currency)}): {format_money(cost, currency)} of cost "
            "without return, the first place to cut.")
    if inferred:
        verb, want = ("is", "it wants") if inferred == 1 else ("are", "they want")
        text += (f" {inferred:,} of them {verb} transactional by inference only: confirm "
                 f"the relationship {want} before cutting.")
    return text


def age_sentence(ages: pd.DataFrame, min_customer_years: int = 30) -> str:
    """Tests the claim that long relationships cost less to serve: cost to serve % in the
    first year against the later years (each age's Σ cost to serve / Σ net revenue).
    With a ``customer_years`` column, only the later ages with at least
    ``min_customer_years`` active customer-years are compared (a handful of old accounts
    says nothing).

    >>> ages = pd.DataFrame({"years_since_start": [0, 1, 2],
    ...                      "cost_to_serve_pct": [30.0, 20.0, 35.0]})
    >>> print(age_sentence(ages))  # doctest: +NORMALIZE_WHITESPACE
    Cost to serve is 30.0% of revenue in a relationship's first year; it is lower at 1 of
    the 2 later ages (20.0% to 35.0%), so the data does not clearly bear out the claim that
    long relationships cost less to serve.
    """
    known = ages[ages["cost_to_serve_pct"].notna()]
    if len(known) and not known["cost_to_serve_pct"].to_numpy(dtype=float).any():
        return ("No cost to serve is loaded, so relationship ages cannot be compared on it: "
                "load activities and rates (or count cost drivers) on the Data page.")
    first = known[known["years_since_start"] == 0]
    later = known[known["years_since_start"] > 0]
    if "customer_years" in later.columns:
        later = later[later["customer_years"] >= min_customer_years]
    if first.empty or later.empty:
        return ("Comparing relationship ages needs customers in their first year and in "
                "later years within the period: widen the period in the sidebar.")
    start = float(first["cost_to_serve_pct"].iloc[0])
    pct = later["cost_to_serve_pct"].to_numpy(dtype=float)
    lower = int((pct < start).sum())
    verdict = ("bears out" if lower > 0.75 * len(pct) else
               "contradicts" if lower < 0.25 * len(pct) else "does not clearly bear out")
    return (f"Cost to serve is {format_pct(start)} of revenue in a relationship's first year; "
            f"it is lower at {lower:,} of the {len(pct):,} later ages ({format_pct(pct.min())}"
            f" to {format_pct(pct.max())}), so the data {verdict} the claim that long "
            "relationships cost less to serve.")


def heatmap_cohorts(cohorts: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """The cohort table for the heatmap: cohorts that began before ``first_year`` (the
    period's first year) pooled into one row, labelled ``<first_year - 1> or earlier``
    (it sorts first): retention Σ active / Σ customers, profit per active customer
    Σ profit / Σ active.

    >>> table = pd.DataFrame({"cohort": [2019, 2020, 2022], "year": [2022] * 3,
    ...                       "customers": [2, 2, 5], "active": [1, 2, 5],
    ...                       "retention_pct": [50.0, 100.0, 100.0],
    ...                       "profit_per_active_customer": [30.0, 15.0, 1.0]})
    >>> pooled = heatmap_cohorts(table, 2022)
    >>> pooled[["cohort", "retention_pct", "profit_per_active_customer"]].values.tolist()
    [['2021 or earlier', 75.0, 20.0], ['2022', 100.0, 1.0]]
    """
    old = cohorts[cohorts["cohort"].astype(int) < first_year]
    new = cohorts[cohorts["cohort"].astype(int) >= first_year]
    frame = new[["cohort", "year", "customers", "active", "profit_per_active_customer"]
                ].astype({"cohort": str})
    if not old.empty:
        profit = old["profit_per_active_customer"].astype(float) * old["active"]
        pooled = old.assign(profit=profit.where(old["active"] > 0, 0.0)).groupby(
            "year", as_index=False)[["customers", "active", "profit"]].sum()
        pooled.insert(0, "cohort", f"{first_year - 1} or earlier")
        pooled["profit_per_active_customer"] = (
            pooled.pop("profit") / pooled["active"].where(pooled["active"] > 0))
        frame = pd.concat([pooled, frame], ignore_index=True) if len(frame) else pooled
    frame["retention_pct"] = 100.0 * frame["active"] / frame["customers"].where(
        frame["customers"] > 0)
    return frame.reset_index(drop=True)


__all__ = ["RUNG_COLUMNS", "age_sentence", "buyer_points", "enabler", "heatmap_cohorts",
           "overdesign_sentence", "return_sentence", "skipped_rungs",
           "underperformer_warning"]
