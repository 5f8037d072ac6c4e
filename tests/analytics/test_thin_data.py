"""The thin-data rule: which gaps a dataset has, in which words, and unused rates."""

import datetime as dt

import pandas as pd

from analytics.thin_data import (
    NO_COGS,
    NO_COST_TO_SERVE,
    data_gaps,
    unused_activities,
    unused_activities_hint,
)

JAN, DEC = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_a_full_dataset_has_no_gaps():
    assert data_gaps(activity_rows=230_429, has_cogs=True, first_date=JAN, last_date=DEC) == []


def test_invoice_lines_alone_lack_cost_to_serve_and_cogs():
    gaps = data_gaps(activity_rows=0, has_cogs=False, first_date=JAN, last_date=DEC)
    assert gaps == [NO_COST_TO_SERVE, NO_COGS]
    assert [g.severity for g in gaps] == ["warning", "warning"]
    assert gaps[0].message == (
        "No cost to serve: the dataset has no service activity, so every customer's cost to "
        "serve is 0 and profit equals net margin. Count cost drivers from your invoice lines "
        "(orders, lines, expedites, returns) on the Data page.")
    assert gaps[1].message == (
        "No cost of goods: the transactions have no COGS, gross profit or unit cost column, "
        "so net margin equals net revenue (100 %). Map one on the Data page.")
    assert [g.fix for g in gaps] == ["Count cost drivers", "Map a COGS column"]


def test_one_date_says_which_and_is_only_information():
    (gap,) = data_gaps(activity_rows=3, has_cogs=True, first_date=JAN, last_date=JAN)
    assert (gap.key, gap.severity) == ("dates", "info")
    assert gap.message == ("All invoice lines carry one date (2024-01-01), so period filters "
                           "and trends say nothing.")
    (none,) = data_gaps(activity_rows=3, has_cogs=True, first_date=None, last_date=None)
    assert none.message.startswith("All invoice lines carry one date, so")


def test_all_three_gaps_in_order():
    gaps = data_gaps(activity_rows=0, has_cogs=False, first_date=DEC, last_date=DEC)
    assert [g.key for g in gaps] == ["cost_to_serve", "cogs", "dates"]


def test_unused_activities_are_the_all_zero_columns():
    volumes = pd.DataFrame(
        {"Order": [2.0, 0.0], "Freight": [0.0, 0.0], "Returns": [0.0, 1.0], "Visit": [0, None]},
        index=pd.Index(["C1", "C2"], name="customer_id"),
    )
    assert unused_activities(volumes) == ["Freight", "Visit"]
    assert unused_activities(volumes.iloc[:0]) == ["Order", "Freight", "Returns", "Visit"]
    assert unused_activities(pd.DataFrame(index=["C1"])) == []


def test_hint_names_activities_and_counts_the_rest():
    assert unused_activities_hint([]) is None
    assert unused_activities_hint(["Freight"]) == (
        "No customer uses 'Freight' yet: add it in an activities file, or count it from your "
        "invoice lines as a cost driver on the Data page.")
    assert unused_activities_hint(["Freight", "Samples"]) == (
        "No customer uses 'Freight' or 'Samples' yet: add them in an activities file, or "
        "count them from your invoice lines as cost drivers on the Data page.")
    many = unused_activities_hint([f"A{i}" for i in range(8)])
    assert many.startswith("No customer uses 'A0', 'A1', 'A2', 'A3', 'A4' or 3 more yet:")
