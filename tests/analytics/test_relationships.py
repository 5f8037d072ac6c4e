"""Known answers for the relationship portfolio (issue 11), computed by hand.

Five customers over 2023-2025:

======  ======  =====  ======  ==========  =======  ==============  ==============
id      revenue margin cts     2023/24/25  price    stated          wallet
======  ======  =====  ======  ==========  =======  ==============  ==============
A       10,000  5,000  500     3k/3k/4k    1.20     collaborative   20,000
B        8,000  4,000  3,000   -/3k/5k     1.00     (empty)         (empty)
C        1,000    300  100     -/-/1k      0.80     transactional   1,000
D          600    200  2,500   200 each    (none)   transactional   2,000
E        2,000  1,000  800     1.5k/-/500  0.95     (empty)         0
======  ======  =====  ======  ==========  =======  ==============  ==============

Medians: net margin 1,000, cost to serve 800 (at or above counts as high).
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.relationships import (
    DEFAULT_LADDER,
    DIFFERENCE_FROM_QUADRANTS,
    PORTFOLIO_COLUMNS,
    build_portfolio,
    buyer_types,
    check_ladder,
    ladder_evidence,
    ladder_table,
    place_on_ladder,
    share_of_wallet,
)
from analytics.relationships.cohorts import age_table, cohort_table, customer_cohorts
from analytics.relationships.spectrum import (
    infer_relationship,
    overdesign_threshold,
    overdesigned,
    relationship_cost,
)

IDS = pd.Index(list("ABCDE"), name="customer_id")
YEARS = [2023, 2024, 2025]
END = dt.date(2025, 12, 31)


def pnl() -> pd.DataFrame:
    revenue = np.array([10000.0, 8000.0, 1000.0, 600.0, 2000.0])
    margin = np.array([5000.0, 4000.0, 300.0, 200.0, 1000.0])
    visit = np.array([300.0, 1000.0, 0.0, 1500.0, 400.0])
    order = np.array([200.0, 2000.0, 100.0, 1000.0, 400.0])
    cts = visit + order
    return pd.DataFrame({
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "net_revenue": revenue, "cogs": revenue - margin, "net_margin": margin,
        "net_margin_pct": 100 * margin / revenue, "cost_to_serve": cts,
        "profit": margin - cts, "cts_Visit": visit, "cts_Order": order,
    }, index=IDS)


def attributes() -> pd.DataFrame:
    return pd.DataFrame({
        "since": [dt.date(2015, 3, 1), None, None, None, None],
        "wallet": [20000.0, np.nan, 1000.0, 2000.0, 0.0],
        "referrals": [3.0, np.nan, 0.0, 1.0, np.nan],
        "co_development": pd.array([True, False, None, None, None], dtype="boolean"),
        "invests": pd.array([None, True, None, None, None], dtype="boolean"),
        "relationship": pd.array(["collaborative", None, "transactional", "transactional",
                                  None], dtype="string"),
    }, index=IDS)


RATES = pd.DataFrame({"activity": ["Visit", "Order"], "relationship": [True, False]})
PRICE = pd.Series([1.2, 1.0, 0.8, np.nan, 0.95], index=IDS)
# (customer, year, net revenue, cost to serve, profit)
YEARLY = pd.DataFrame([
    ("A", 2023, 3000.0, 200.0, 1200.0), ("A", 2024, 3000.0, 150.0, 1400.0),
    ("A", 2025, 4000.0, 150.0, 1900.0), ("B", 2024, 3000.0, 1500.0, 100.0),
    ("B", 2025, 5000.0, 1500.0, 900.0), ("C", 2025, 1000.0, 100.0, 200.0),
    ("D", 2023, 200.0, 800.0, -750.0), ("D", 2024, 200.0, 900.0, -800.0),
    ("D", 2025, 200.0, 800.0, -750.0), ("E", 2023, 1500.0, 400.0, 300.0),
    ("E", 2025, 500.0, 400.0, -100.0),
], columns=["customer_id", "year", "net_revenue", "cost_to_serve", "profit"])
CUSTOMER_YEARS = YEARLY[["customer_id", "year", "net_revenue"]].assign(cogs=0.0, lines=1)
LAST12 = YEARLY[YEARLY["year"] == 2025].set_index("customer_id")["net_revenue"]
PRIOR12 = YEARLY[YEARLY["year"] == 2024].set_index("customer_id")["net_revenue"]
FIRST = pd.Series([dt.date(2014, 6, 1), dt.date(2024, 2, 10), dt.date(2025, 4, 1),
                   dt.date(2021, 1, 15), dt.date(2023, 5, 5)], index=IDS)


def evidence(price=PRICE, years=YEARS, last=LAST12, prior=PRIOR12):
    return ladder_evidence(IDS, attributes(), CUSTOMER_YEARS, years, price, last, prior)


def portfolio(**options):
    options = {"yearly": YEARLY, "revenue_last12": LAST12, "revenue_prior12": PRIOR12,
               "years": YEARS, "period_end": END, **options}
    return build_portfolio(pnl(), attributes(), RATES, CUSTOMER_YEARS, FIRST, PRICE, **options)


# 1. Four kinds of buyers ---------------------------------------------------------------

def test_buyer_types_at_the_medians():
    result = buyer_types(pnl())
    assert (result.reward_threshold, result.cost_threshold) == (1000.0, 800.0)
    # E sits on both medians: at or above counts as high.
    assert result.types.tolist() == ["most_valuable", "partner", "commodity",
                                     "underperformer", "partner"]
    groups = result.groups.set_index("buyer_type")
    assert groups["customers"].tolist() == [1, 2, 1, 1]
    assert groups.loc["partner", "net_revenue"] == 10000.0
    assert groups.loc["most_valuable", "revenue_share_pct"] == pytest.approx(100 * 10000 / 21600)
    assert groups.loc["underperformer", "revenue_share_pct"] == pytest.approx(100 * 600 / 21600)
    assert groups["profit"].tolist() == [4500.0, 1200.0, 200.0, -2300.0]
    assert "long contracts" in groups.loc["commodity", "move"]
    assert "turnkey" in groups.loc["partner", "move"]
    assert "cultivate" in groups.loc["most_valuable", "move"]
    assert "unvalued" in groups.loc["underperformer", "move"] or "do not value" in \
        groups.loc["underperformer", "move"]
    assert "%" in DIFFERENCE_FROM_QUADRANTS and DIFFERENCE_FROM_QUADRANTS.count(".") == 1


def test_buyer_types_custom_thresholds():
    result = buyer_types(pnl(), "custom", reward=250.0, cost=2600.0)
    assert result.method == "custom"
    assert result.types.tolist() == ["most_valuable", "partner", "most_valuable",
                                     "commodity", "most_valuable"]
    with pytest.raises(ValueError):
        buyer_types(pnl(), "custom", reward=1.0)
    with pytest.raises(ValueError):
        buyer_types(pnl(), "mean")


def test_buyer_type_is_empty_without_figures():
    frame = pnl()
    frame.loc["B", "net_margin"] = np.nan
    types = buyer_types(frame).types
    assert types.isna().tolist() == [False, True, False, False, False]
    assert buyer_types(frame).groups["customers"].sum() == 4


# 2. Loyalty ladder ---------------------------------------------------------------------

def test_evidence_per_rung():
    ev = evidence()
    assert list(ev.columns) == list(DEFAULT_LADDER)
    assert ev["repurchases"].tolist() == [True, True, False, True, True]
    assert ev["grows"].tolist() == [True, True, True, False, True]
    # An empty referrals cell is no evidence of word of mouth: not met.
    assert ev["refers"].tolist() == [True, False, False, True, False]
    assert ev["stays"].tolist() == [True, False, False, True, False]
    assert ev["pays_premium"].tolist() == [True, True, False, pd.NA, False]
    assert ev["collaborates"].tolist() == [True, False, pd.NA, pd.NA, pd.NA]
    assert ev["invests"].tolist() == [pd.NA, True, pd.NA, pd.NA, pd.NA]


def test_rungs_on_the_default_ladder():
    placed = place_on_ladder(evidence())
    # A climbs to collaborates (invests unknown for it), B and E stop at refers, D at
    # grows, C never repurchased.
    assert placed.rungs.tolist() == [6, 2, 0, 1, 2]
    assert placed.names().tolist() == ["collaborates", "grows", "not_on_ladder",
                                       "repurchases", "grows"]
    assert placed.skipped == {}


def test_unitech_three_rungs_step_over_an_unknown_rung():
    placed = place_on_ladder(evidence(), ["repurchases", "refers", "pays_premium"])
    # D repurchases and refers; its premium is not assessable, so it stays on rung 2.
    assert placed.rungs.tolist() == [3, 1, 0, 2, 1]


def test_custom_order_changes_the_rungs():
    placed = place_on_ladder(evidence(), ["refers", "repurchases"])
    assert placed.rungs.tolist() == [2, 0, 0, 2, 0]


def test_rungs_without_evidence_are_skipped_and_said_so():
    ev = evidence(price=None, years=[2025], last=None, prior=None)
    placed = place_on_ladder(ev)
    assert list(placed.skipped) == ["repurchases", "grows", "stays", "pays_premium"]
    assert "product_id" in placed.skipped["pays_premium"]
    assert "24 months" in placed.skipped["grows"]
    # Left: refers, collaborates, invests (numbers 3, 6, 7 keep their place).
    assert placed.rungs.tolist() == [6, 0, 0, 3, 0]
    table = ladder_table(placed, pnl())
    skipped = table.set_index("name").loc[["repurchases", "grows", "stays", "pays_premium"]]
    assert skipped["customers"].isna().all() and skipped["avg_revenue"].isna().all()
    assert table["customers"].sum() == 5


def test_no_attribute_columns_skips_their_rungs():
    bare = pd.DataFrame(index=IDS)
    ev = ladder_evidence(IDS, bare, CUSTOMER_YEARS, YEARS, PRICE, LAST12, PRIOR12)
    placed = place_on_ladder(ev)
    assert set(placed.skipped) == {"refers", "collaborates", "invests"}
    assert "referrals" in placed.skipped["refers"]
    # A: repurchases, grows, stays, pays premium; B: grows but not stays.
    assert placed.rungs.tolist() == [5, 2, 0, 1, 2]


def test_ladder_table_and_return_on_effort():
    table = ladder_table(place_on_ladder(evidence()), pnl(), rung_cost=100.0)
    assert table.columns[:5].tolist() == ["rung", "name", "customers", "avg_revenue",
                                          "avg_profit"]
    assert table["rung"].tolist() == list(range(8))
    assert table["customers"].tolist() == [1, 1, 2, 0, 0, 0, 1, 0]
    assert table["avg_revenue"].iloc[:3].tolist() == [1000.0, 600.0, 5000.0]
    assert table["avg_profit"].iloc[:3].tolist() == [200.0, -2300.0, 600.0]
    assert table.loc[6, "avg_profit"] == 4500.0
    assert np.isnan(table.loc[3, "avg_revenue"])  # nobody on it: no average, not zero
    # Rung 1: -2,300 - 200 = -2,500 gained per customer moved, at a cost of 100.
    assert table.loc[1, "profit_gain"] == -2500.0
    assert table.loc[1, "return_on_effort_pct"] == pytest.approx(-2600.0)
    assert table.loc[2, "profit_gain"] == 2900.0
    assert table.loc[2, "revenue_gain"] == 4400.0
    assert table.loc[2, "return_on_effort_pct"] == pytest.approx(2800.0)
    assert table["return_on_effort_pct"].iloc[[0, 3, 4]].isna().all()
    assert ladder_table(place_on_ladder(evidence()), pnl())["return_on_effort_pct"].isna().all()


def test_bad_ladders_are_refused():
    for ladder in ([], ["repurchases", "repurchases"], ["loves_us"]):
        with pytest.raises(ValueError):
            check_ladder(ladder)


# 3. Relationship spectrum and overdesigned relationships ---------------------------------

def test_relationship_stated_or_inferred():
    bought = pd.Series([3, 2, 1, 3, 2], index=IDS)
    kind, inferred = infer_relationship(IDS, attributes(), PRICE, bought, 3)
    # B invests (inferred collaborative); E pays below the typical price (0.95).
    assert kind.tolist() == ["collaborative", "collaborative", "transactional",
                             "transactional", "transactional"]
    assert inferred.tolist() == [False, True, False, False, True]


def test_inference_without_price_index_reads_regularity():
    bare = pd.DataFrame(index=IDS)
    bought = pd.Series([3, 2, 1, 3, 2], index=IDS)
    kind, inferred = infer_relationship(IDS, bare, None, bought, 3)
    assert kind.tolist() == ["value_adding", "transactional", "transactional",
                             "value_adding", "transactional"]
    assert inferred.all()


def test_relationship_cost_and_the_overdesigned_threshold():
    cost = relationship_cost(pnl(), ["Visit"])
    assert cost.tolist() == [300.0, 1000.0, 0.0, 1500.0, 400.0]
    kind = pd.Series(["collaborative", "collaborative", "transactional", "transactional",
                      "transactional"], index=IDS)
    # Median of the non-transactional (A 300, B 1,000) = 650: D (1,500) is above it,
    # E (400) is not.
    assert overdesign_threshold(kind, cost) == 650.0
    assert overdesigned(kind, cost).tolist() == [False, False, False, True, False]
    # Exactly at the threshold is not above it.
    at = cost.copy()
    at["D"] = 650.0
    assert not overdesigned(kind, at)["D"]


def test_overdesigned_is_empty_without_relationship_activities():
    cost = relationship_cost(pnl(), [])
    assert cost.isna().all()
    kind = pd.Series(["transactional"] * 5, index=IDS)
    assert overdesigned(kind, cost).isna().all()


# 4. Share of wallet and growth prospects ------------------------------------------------

def test_share_of_wallet_and_growth_prospect():
    table = share_of_wallet(attributes()["wallet"], LAST12, pnl()["net_margin_pct"],
                            win_cost_pct=10.0)
    assert table["share_of_wallet_pct"].tolist()[0] == 20.0
    assert table.loc["C", "share_of_wallet_pct"] == 100.0
    assert table.loc["D", "share_of_wallet_pct"] == 10.0
    # A: headroom 16,000 x 50 % - 10 % x 16,000; D: 1,800 x (33.33 % - 10 %).
    assert table["growth_prospect"].tolist()[0] == 6400.0
    assert table.loc["D", "growth_prospect"] == 420.0
    assert table.loc["C", "growth_prospect"] == 0.0  # already buys its whole wallet
    # B has no wallet, E a wallet of 0: empty, never zero.
    assert table.loc[["B", "E"], ["share_of_wallet_pct", "growth_prospect"]].isna().all().all()
    with pytest.raises(ValueError):
        share_of_wallet(attributes()["wallet"], LAST12, pnl()["net_margin_pct"], -1.0)


# 5. Cohorts and relationship age --------------------------------------------------------

def test_cohorts_from_since_else_first_purchase():
    table = customer_cohorts(IDS, FIRST, attributes()["since"], END)
    assert table["cohort"].tolist() == [2015, 2024, 2025, 2021, 2023]
    assert table["cohort_source"].tolist() == ["since"] + ["first_purchase"] * 4
    assert table["tenure_years"].tolist() == [10, 1, 0, 4, 2]
    # A day before the anniversary is not a whole year yet.
    one = customer_cohorts(pd.Index(["X"]), pd.Series([dt.date(2024, 6, 2)], ["X"]),
                           period_end=dt.date(2025, 6, 1))
    assert one["tenure_years"].tolist() == [0]


def test_cohort_table():
    cohorts = customer_cohorts(IDS, FIRST, attributes()["since"], END)["cohort"]
    table = cohort_table(cohorts, YEARLY, YEARS)
    assert list(table.columns) == ["cohort", "year", "customers", "active", "retention_pct",
                                   "profit_per_active_customer"]
    rows = {(r.cohort, r.year): r for r in table.itertuples()}
    assert len(rows) == 12
    assert rows[(2015, 2024)].profit_per_active_customer == 1400.0
    assert rows[(2023, 2024)].active == 0
    assert rows[(2023, 2024)].retention_pct == 0.0
    assert np.isnan(rows[(2023, 2024)].profit_per_active_customer)
    assert rows[(2023, 2025)].profit_per_active_customer == -100.0
    assert (2024, 2023) not in rows  # no year before the cohort began
    assert rows[(2025, 2025)].retention_pct == 100.0


def test_cohort_of_two_customers():
    cohorts = pd.Series([2024, 2024], index=["A", "B"], dtype="Int64")
    yearly = pd.DataFrame({"customer_id": ["A", "B", "A", "B"], "year": [2024, 2024, 2025, 2025],
                           "net_revenue": [10.0, 5.0, 8.0, -2.0], "profit": [3.0, 1.0, 2.0, -9.0]})
    table = cohort_table(cohorts, yearly, [2024, 2025])
    assert table["active"].tolist() == [2, 1]  # a credit note is not a purchase
    assert table["retention_pct"].tolist() == [100.0, 50.0]
    assert table["profit_per_active_customer"].tolist() == [2.0, 2.0]


def test_age_table():
    cohorts = customer_cohorts(IDS, FIRST, attributes()["since"], END)["cohort"]
    table = age_table(cohorts, YEARLY).set_index("years_since_start")
    assert table.loc[0, "customer_years"] == 3  # E 2023, B 2024, C 2025
    assert table.loc[0, "profit_per_customer"] == 200.0
    assert table.loc[0, "cost_to_serve_pct"] == pytest.approx(100 * 2000 / 5500)
    assert table.loc[2, "profit_per_customer"] == -425.0
    assert table.loc[10, "cost_to_serve_pct"] == pytest.approx(100 * 150 / 4000)


# 6. The assembled portfolio ---------------------------------------------------------------

def test_portfolio_csv():
    result = portfolio(rung_cost=100.0, win_cost_pct=10.0)
    table = result.portfolio_export()
    assert tuple(table.columns) == PORTFOLIO_COLUMNS
    row = table.set_index("customer_id")
    assert row["buyer_type"].tolist() == ["most_valuable", "partner", "commodity",
                                          "underperformer", "partner"]
    assert row["loyalty_rung"].tolist() == [6, 2, 0, 1, 2]
    assert row["relationship"].tolist() == ["collaborative", "collaborative", "transactional",
                                            "transactional", "transactional"]
    assert row["relationship_inferred"].tolist() == [False, True, False, False, True]
    assert row["relationship_cost"].tolist() == [300.0, 1000.0, 0.0, 1500.0, 400.0]
    assert row["overdesigned"].tolist() == [False, False, False, True, False]
    assert row.loc["D", "growth_prospect"] == 420.0
    assert row[["share_of_wallet_pct"]].isna()["share_of_wallet_pct"].tolist() == [
        False, True, False, False, True]
    assert row["cohort"].tolist() == [2015, 2024, 2025, 2021, 2023]
    assert row["tenure_years"].tolist() == [10, 1, 0, 4, 2]
    assert result.overdesigned["customer_id"].tolist() == ["D"]
    assert result.overdesigned["profit_without_relationship_cost"].tolist() == [-800.0]
    assert result.growth["customer_id"].tolist() == ["A", "D", "C"]
    assert result.growth["underperformer"].tolist() == [False, True, False]
    assert result.ladder_export().columns.tolist() == ["rung", "name", "customers",
                                                       "avg_revenue", "avg_profit"]
    assert len(result.cohorts_export()) == 12


def test_portfolio_summary():
    summary = portfolio(rung_cost=100.0, win_cost_pct=10.0).summary()
    assert summary["customers"] == 5
    assert summary["buyer_types"]["groups"]["partner"]["customers"] == 2
    assert summary["relationships"]["overdesign_threshold"] == 650.0
    assert summary["relationships"]["overdesigned"] == 1
    assert summary["relationships"]["overdesigned_relationship_cost"] == 1500.0
    assert summary["relationships"]["inferred"] == 2
    assert summary["wallet"]["customers_with_wallet"] == 3
    assert summary["wallet"]["growth_prospect"] == 6820.0
    assert summary["wallet"]["underperformer_growth_prospect"] == 420.0
    assert summary["cohorts"] == {"from_since": 1, "from_first_purchase": 4, "unknown": 0}
    assert summary["ladder"]["skipped"] == {}
    assert summary["ladder"]["return_on_effort_pct"]["grows"] == pytest.approx(2800.0)
    assert summary["ladder"]["return_on_effort_pct"]["stays"] is None
    age = {row["years_since_start"]: row for row in summary["relationship_age"]}
    assert age[0]["customer_years"] == 3 and age[0]["profit_per_customer"] == 200.0
    assert age[2]["profit_per_customer"] == -425.0
    assert summary["missing"] == []


def test_share_of_wallet_on_a_short_period_says_why():
    result = portfolio(revenue_last12=None)
    assert result.customers["share_of_wallet_pct"].isna().all()
    assert any("at least 12 months" in note and "column wallet" not in note
               for note in result.missing)


def test_portfolio_without_optional_evidence_says_what_is_missing():
    bare = pd.DataFrame(index=IDS)
    rates = RATES.drop(columns="relationship")
    result = build_portfolio(pnl(), bare, rates, CUSTOMER_YEARS, FIRST,
                             pd.Series(np.nan, index=IDS), years=YEARS, period_end=END)
    table = result.portfolio_export()
    for column in ("relationship_cost", "overdesigned", "share_of_wallet_pct",
                   "growth_prospect"):
        assert table[column].isna().all(), column
    assert table["relationship_inferred"].all()
    summary = result.summary()
    assert set(summary["ladder"]["skipped"]) == {"grows", "refers", "pays_premium",
                                                 "collaborates", "invests"}
    assert summary["relationships"]["overdesigned"] is None
    assert summary["wallet"]["growth_prospect"] is None
    text = " ".join(summary["missing"])
    for column in ("wallet", "referrals", "co_development", "invests", "relationship",
                   "product_id"):
        assert column in text, column
    # Cohorts come from the first purchases; profit needs the yearly P&L, so it is empty.
    assert result.cohorts["profit_per_active_customer"].isna().all()
    assert result.cohorts["customers"].groupby(result.cohorts["cohort"]).first().sum() == 5


def test_new_costs_give_what_a_fresh_build_gives():
    fresh = portfolio(rung_cost=250.0, win_cost_pct=20.0)
    moved = portfolio(rung_cost=100.0, win_cost_pct=10.0).with_costs(250.0, 20.0)
    pd.testing.assert_frame_equal(moved.portfolio_export(), fresh.portfolio_export())
    pd.testing.assert_frame_equal(moved.ladder, fresh.ladder)
    pd.testing.assert_frame_equal(moved.growth, fresh.growth)
    assert moved.summary() == fresh.summary()
    # A: 16,000 x (50 % - 20 %) = 4,800; D: 1,800 x (33.33 % - 20 %) = 240.
    assert moved.growth.set_index("customer_id")["growth_prospect"].to_dict() == {
        "A": 4800.0, "D": 240.0, "C": 0.0}
    with pytest.raises(ValueError):
        fresh.with_costs(None, -1.0)
