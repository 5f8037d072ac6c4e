"""Known answers for the Relationships page's shaping and sentences
(analytics/relationships/views.py), by hand."""

import numpy as np
import pandas as pd
import pytest

from analytics.relationships import RUNGS
from analytics.relationships.views import (
    RUNG_COLUMNS,
    age_sentence,
    buyer_points,
    enabler,
    heatmap_cohorts,
    overdesign_sentence,
    return_sentence,
    skipped_rungs,
    underperformer_warning,
)


def test_every_skipped_rung_names_what_enables_it():
    lines = skipped_rungs({key: "skipped" for key in RUNGS})
    assert len(lines) == len(RUNGS)
    by_key = dict(zip(RUNGS, lines, strict=True))
    assert by_key["pays_premium"] == (
        "Pays premiums (pays_premium) is skipped: add the column product_id in the "
        "transactions file (recipe key [transactions.columns] product_id) and the column "
        "quantity in the transactions file (recipe key [transactions.columns] quantity).")
    for key, (file, columns) in RUNG_COLUMNS.items():
        for column in columns:
            assert f"[{file}.columns] {column}" in by_key[key]
    for key in ("repurchases", "grows", "stays"):  # the period, not a column
        assert "widen the period" in by_key[key]
        assert "columns]" not in by_key[key]
    assert skipped_rungs({}) == []


def test_enabler_names_file_column_and_recipe_key():
    assert enabler("wallet") == ("the column wallet in the customers file (recipe key "
                                 "[customers.columns] wallet)")


def test_buyer_points_keep_typed_customers_with_their_names():
    pnl = pd.DataFrame({"name": ["Acme", "*Bold*", "C"], "net_margin": [400.0, 50.0, 0.0],
                        "cost_to_serve": [100.0, 80.0, 0.0],
                        "net_revenue": [1000.0, 200.0, 0.0], "profit": [1.0, 2.0, 3.0]},
                       index=["A", "B", "C"])
    types = pd.Series(["partner", "commodity", None], index=["A", "B", "C"])
    points = buyer_points(pnl, types)
    assert points.index.tolist() == ["A", "B"]
    assert points["name"].tolist() == ["Acme", "*Bold*"]
    assert points["buyer_type"].tolist() == ["partner", "commodity"]
    assert "profit" not in points.columns


def test_return_sentence_best_and_worst_step():
    table = pd.DataFrame({
        "rung": [0, 1, 2, 3], "name": ["not_on_ladder", "repurchases", "grows", "refers"],
        "profit_gain": [np.nan, 1200.0, 100.0, np.nan],
        "return_on_effort_pct": [np.nan, 140.0, -80.0, np.nan]})
    assert return_sentence(table, 500.0) == (
        "At $500.00 per customer moved up a rung, the best step is onto Repurchases "
        "(profit +$1,200.00 per customer, return 140.0%); the worst onto Grows the "
        "relationship (-80.0%).")
    one = table.assign(return_on_effort_pct=[np.nan, 140.0, np.nan, np.nan])
    assert return_sentence(one, 500.0).endswith("return 140.0%).")
    empty = table.assign(return_on_effort_pct=np.nan)
    assert "no step to measure" in return_sentence(empty, 500.0)
    assert return_sentence(table, None).startswith("Enter the cost")


def test_underperformer_warning_counts_the_top_prospects_only():
    growth = pd.DataFrame({"growth_prospect": [900.0, 600.0, 300.0, 100.0],
                           "underperformer": [False, True, False, True]})
    text = underperformer_warning(growth, top=3)
    assert text.startswith("1 of the 3 largest growth prospects are underperformers")
    assert "holding $600.00 of the $1,800.00 prospect" in text
    assert underperformer_warning(growth.iloc[[0, 2]], top=3).startswith(
        "None of the 2 largest growth prospects")


def test_overdesign_sentence():
    assert overdesign_sentence(0, 0.0, 50.0) == (
        "No transactional customer receives relationship investment above the median of "
        "the others ($50.00).")
    assert "1,200 transactional customers" in overdesign_sentence(1200, 9.5, 50.0)
    assert "$9.50 of cost without return" in overdesign_sentence(1200, 9.5, 50.0)


@pytest.mark.parametrize(("later", "verdict"), [
    ([20.0, 18.0, 15.0, 10.0], "bears out"),
    ([40.0, 45.0, 50.0, 35.0], "contradicts"),
    ([20.0, 40.0, 18.0, 45.0], "does not clearly bear out"),
])
def test_age_sentence_verdict(later, verdict):
    ages = pd.DataFrame({"years_since_start": range(5), "cost_to_serve_pct": [30.0, *later]})
    text = age_sentence(ages)
    assert text.startswith("Cost to serve is 30.0% of revenue in a relationship's first year")
    assert f"the data {verdict} the claim" in text


def test_age_sentence_without_a_first_year():
    ages = pd.DataFrame({"years_since_start": [3, 4], "cost_to_serve_pct": [20.0, 10.0]})
    assert "widen the period" in age_sentence(ages)


def test_heatmap_pools_the_cohorts_before_the_period():
    cohorts = pd.DataFrame({
        "cohort": [2010, 2010, 2019, 2019, 2023, 2023, 2024],
        "year": [2023, 2024, 2023, 2024, 2023, 2024, 2024],
        "customers": [4, 4, 6, 6, 5, 5, 3], "active": [4, 2, 3, 0, 5, 4, 3],
        "retention_pct": [100.0, 50.0, 50.0, 0.0, 100.0, 80.0, 100.0],
        "profit_per_active_customer": [10.0, 40.0, 20.0, np.nan, 7.0, 8.0, 9.0]})
    table = heatmap_cohorts(cohorts, 2023)
    assert table["cohort"].tolist() == ["2022 or earlier", "2022 or earlier", "2023", "2023",
                                        "2024"]
    pooled = table.iloc[:2]
    assert pooled["customers"].tolist() == [10, 10]
    assert pooled["active"].tolist() == [7, 2]
    assert pooled["retention_pct"].tolist() == pytest.approx([70.0, 20.0])
    # Σ profit / Σ active: (4 x 10 + 3 x 20) / 7 and (2 x 40) / 2.
    assert pooled["profit_per_active_customer"].tolist() == pytest.approx([100 / 7, 40.0])
    # Cohorts of the period pass through unchanged.
    assert table.iloc[2:]["retention_pct"].tolist() == [100.0, 80.0, 100.0]
    # Customers add up: every cohort's size counted once per year.
    for year in (2023, 2024):
        assert (table[table["year"] == year]["customers"].sum()
                == cohorts[cohorts["year"] == year]["customers"].sum())


def test_heatmap_without_old_cohorts_is_the_table():
    cohorts = pd.DataFrame({"cohort": [2024], "year": [2024], "customers": [2], "active": [1],
                            "retention_pct": [50.0], "profit_per_active_customer": [5.0]})
    table = heatmap_cohorts(cohorts, 2024)
    assert table[["cohort", "retention_pct"]].values.tolist() == [["2024", 50.0]]


def test_age_sentence_without_cost_to_serve():
    ages = pd.DataFrame({"years_since_start": [0, 1], "cost_to_serve_pct": [0.0, 0.0]})
    assert age_sentence(ages).startswith("No cost to serve is loaded")


def test_age_sentence_leaves_out_thin_ages():
    ages = pd.DataFrame({"years_since_start": [0, 1, 2, 3],
                         "customer_years": [100, 50, 40, 2],
                         "cost_to_serve_pct": [30.0, 20.0, 25.0, 90.0]})
    text = age_sentence(ages)
    assert "lower at 2 of the 2 later ages (20.0% to 25.0%)" in text
    assert "the data bears out the claim" in text
    assert "lower at 2 of the 3 later ages" in age_sentence(ages, min_customer_years=1)
