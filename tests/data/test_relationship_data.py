"""The data behind the relationship portfolio (issue 11): the optional customers columns
(referrals, co_development, invests, relationship), the rate card's relationship flag,
and the store's customer years, first purchases and price index, on small datasets whose
answers are worked out by hand in the comments."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data import Store
from data.importer import DatasetError
from data.recipe import parse_recipe
from data.store import read_sql

# Three customers over 2022-2024. Product P1's net unit prices on lines with quantity > 0
# in the whole dataset: A 100/10 = 10, B 240/20 = 12, B 60/4 = 15, C 70/5 = 14; sorted
# 10, 12, 14, 15: an even count, so the median is (12 + 14) / 2 = 13. P2: A 40/2 = 20.
# C's credit note (quantity -1) does not enter the median but does enter C's index.
LINES = (
    "customer_id,date,net_revenue,cogs,product_id,quantity\n"
    "A,2022-03-01,100,60,P1,10\n"
    "A,2023-05-01,40,20,P2,2\n"
    "A,2023-07-01,10.5,5,P2,\n"  # no quantity: counts in A's years, not in its index
    "B,2022-12-31,240,100,P1,20\n"
    "B,2023-01-02,60,30,P1,4\n"
    "C,2023-06-01,70,10,P1,5\n"
    "C,2024-01-01,-14,-2,P1,-1\n"
)
MASTER = (
    "customer_id,segment,region,referrals,co_development,invests,relationship\n"
    "A,S1,North,3,Yes,,Value-Adding\n"
    "B,S2,North,,n,0, TRANSACTIONAL \n"
    "C,S2,South,0,TRUE,y,\n"
)


def store_of(tmp_path: Path, **tables: str) -> Store:
    folder = tmp_path / "ds"
    folder.mkdir(exist_ok=True)
    for table, text in tables.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    store = Store(":memory:")
    store.load_folder(folder)
    return store


@pytest.fixture
def store(tmp_path):
    store = store_of(tmp_path, transactions=LINES, customers=MASTER)
    yield store
    store.close()


# --- the contract ---------------------------------------------------------------------


def refusals(tmp_path: Path, **tables: str) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        store_of(tmp_path, transactions=LINES, **tables)
    return [str(p) for p in caught.value.problems]


def test_a_bad_boolean_is_refused_naming_file_line_column_and_value(tmp_path):
    problems = refusals(tmp_path, customers=(
        "customer_id,co_development,invests\nA,yes,\nB,maybe,no\nC,1,2\n"))
    assert problems == [
        'customers.csv line 3, co_development: "maybe" is not a yes/no value (expected '
        "true/false, yes/no, 1/0 or y/n; empty: unknown)",
        'customers.csv line 4, invests: "2" is not a yes/no value (expected true/false, '
        "yes/no, 1/0 or y/n; empty: unknown)",
    ]


def test_a_relationship_outside_the_spectrum_is_refused(tmp_path):
    problems = refusals(tmp_path, customers=(
        "customer_id,relationship\nA,collaborative\nB,partner\nC,\n"))
    assert problems == [
        'customers.csv line 3, relationship: "partner" must be one of transactional, '
        "value_adding, collaborative (or empty: unknown)",
    ]


def test_negative_referrals_are_refused(tmp_path):
    problems = refusals(tmp_path, customers="customer_id,referrals\nA,-1\n")
    assert problems == ['customers.csv line 2, referrals: "-1" must not be negative']


def test_a_bad_relationship_flag_in_the_rates_file_is_refused(tmp_path):
    problems = refusals(
        tmp_path,
        activities="customer_id,activity,quantity\nA,Visit,1\n",
        rates="activity,cost_per_unit,relationship\nVisit,50,sometimes\n",
    )
    assert problems == [
        'rates.csv line 2, relationship: "sometimes" is not a yes/no value (expected '
        "true/false, yes/no, 1/0 or y/n; empty: unknown)",
    ]


def test_booleans_and_relationships_are_read_case_insensitively_and_empty_is_unknown(store):
    customers = store.customer_base().customers
    assert customers["referrals"].tolist()[:1] == [3.0]
    assert math.isnan(customers.loc["B", "referrals"])
    assert customers.loc["C", "referrals"] == 0.0
    assert str(customers["co_development"].dtype) == "boolean"
    assert str(customers["invests"].dtype) == "boolean"
    assert customers["co_development"].tolist() == [True, False, True]
    # An empty cell is unknown, never false.
    assert customers["invests"].isna().tolist() == [True, False, False]
    assert customers.loc[["B", "C"], "invests"].tolist() == [False, True]
    assert customers.loc["A", "relationship"] == "value_adding"
    assert customers.loc["B", "relationship"] == "transactional"
    assert pd.isna(customers.loc["C", "relationship"])


def test_a_dataset_without_the_optional_columns_loads_as_before(tmp_path):
    store = store_of(tmp_path, transactions="customer_id,date,net_revenue\nA,2024-01-05,10\n",
                     customers="customer_id,name\nA,Acme\n")
    base = store.customer_base()
    for column in ("referrals", "co_development", "invests", "relationship"):
        assert column not in base.customers.columns
    # since and wallet flow as they always did: empty.
    assert base.customers[["since", "wallet"]].isna().all().all()
    # No product_id and no quantity: the price index is missing, and says why.
    index = store.price_index()
    assert index.index.tolist() == ["A"]
    assert index.isna().all()
    assert store.price_index_needs() == ["product_id", "quantity"]
    store.close()


def test_a_store_loaded_before_these_columns_existed_gets_them_empty(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers (customer_id VARCHAR, name VARCHAR)")
    con.execute("CREATE TABLE rates (activity VARCHAR, cost_per_unit DOUBLE, "
                "resource VARCHAR, unit_time DOUBLE)")
    con.execute("INSERT INTO rates VALUES ('Visit', 50, NULL, NULL)")
    con.close()
    store = Store(path)
    columns = store.table("customers").columns.tolist()
    assert columns[-4:] == ["referrals", "co_development", "invests", "relationship"]
    rates = store.query_df(read_sql("rate_card_rates"))
    assert rates["relationship"].tolist() == [False]
    store.close()


# --- the rate card's relationship flag ---------------------------------------------------


def test_the_rate_cards_relationship_flag_is_false_when_absent_and_kept_when_edited(tmp_path):
    store = store_of(
        tmp_path, transactions=LINES,
        activities="customer_id,activity,quantity\nA,Visit,2\nB,Order,1\n",
        rates="activity,cost_per_unit,relationship\nVisit,50,Yes\nOrder,5,\n",
    )
    rates, resources = store.rate_card()
    assert rates["relationship"].tolist() == [True, False]
    assert store.customer_base().rates["relationship"].dtype == bool
    rates.loc[rates["activity"] == "Order", "relationship"] = True
    rates.loc[rates["activity"] == "Visit", "relationship"] = False
    store.replace_rate_card(rates, resources)
    saved, _ = store.rate_card()
    assert saved["relationship"].tolist() == [False, True]
    # A rate card edited without the column saves every activity as not relationship.
    store.replace_rate_card(saved.drop(columns="relationship"), resources)
    assert store.rate_card()[0]["relationship"].tolist() == [False, False]
    store.close()


RECIPE = """
[transactions]
file = "lines.csv"
[[drivers]]
activity = "Account review"
per = "line"
cost_per_unit = 7
relationship = true
[[drivers]]
activity = "Line handling"
per = "line"
cost_per_unit = 1
"""


def test_a_recipe_driver_can_be_relationship_investment(tmp_path):
    (tmp_path / "lines.csv").write_text(LINES, encoding="utf-8")
    recipe = parse_recipe(RECIPE, tmp_path, "r.toml")
    assert [d.relationship for d in recipe.drivers] == [True, False]
    assert parse_recipe(recipe.to_toml(), tmp_path, "r.toml") == recipe
    store = Store(":memory:")
    store.load_recipe(recipe)
    rates, _ = store.rate_card()
    assert dict(zip(rates["activity"], rates["relationship"], strict=True)) == {
        "Account review": True, "Line handling": False}
    store.close()
    with pytest.raises(DatasetError) as caught:
        parse_recipe(RECIPE.replace("relationship = true", 'relationship = "yes"'),
                     tmp_path, "r.toml")
    assert [str(p) for p in caught.value.problems] == [
        'r.toml, drivers[1].relationship: "yes" must be true or false (true: the activity '
        "is relationship investment)"]


# --- the queries ------------------------------------------------------------------------


def test_customer_years_by_hand(store):
    years = store.customer_years()
    assert list(years.columns) == ["customer_id", "year", "net_revenue", "cogs", "lines"]
    assert years.values.tolist() == [
        ["A", 2022, 100.0, 60.0, 1],
        ["A", 2023, 50.5, 25.0, 2],
        ["B", 2022, 240.0, 100.0, 1],
        ["B", 2023, 60.0, 30.0, 1],
        ["C", 2023, 70.0, 10.0, 1],
        ["C", 2024, -14.0, -2.0, 1],
    ]


def test_customer_years_follow_the_period_and_the_filter(store):
    import datetime as dt

    period = store.customer_years(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    assert period[["customer_id", "year", "net_revenue"]].values.tolist() == [
        ["A", 2023, 40.0], ["B", 2023, 60.0], ["C", 2023, 70.0]]
    north = store.customer_years(segments=["S2"], regions=["North"])
    assert north["customer_id"].unique().tolist() == ["B"]


def test_first_purchase_is_over_the_whole_dataset(store):
    first = store.first_purchase()
    assert first.to_dict() == {"A": pd.Timestamp("2022-03-01"),
                               "B": pd.Timestamp("2022-12-31"),
                               "C": pd.Timestamp("2023-06-01")}


def test_price_index_by_hand_with_a_median_over_an_even_count(store):
    index = store.price_index()
    # A: (100 + 40) / (10 x 13 + 2 x 20) = 140 / 170 (its line without quantity is out).
    assert index["A"] == pytest.approx(140 / 170)
    # B: (240 + 60) / (24 x 13) = 300 / 312.
    assert index["B"] == pytest.approx(300 / 312)
    # C: (70 - 14) / ((5 - 1) x 13) = 56 / 52.
    assert index["C"] == pytest.approx(56 / 52)
    assert store.price_index_needs() == []


def test_price_index_medians_are_taken_over_the_whole_dataset_before_the_filter(store):
    import datetime as dt

    # 2022 only: still priced against the whole dataset's median, P1 at 13 (the 2022
    # lines alone would say 11): A = 100 / 130, B = 240 / 260. A stable reference makes
    # two periods comparable (issue 13: the customer-month cube).
    index = store.price_index(end=dt.date(2022, 12, 31))
    assert index.to_dict() == pytest.approx({"A": 100 / 130, "B": 240 / 260})
    # A period with a partial month (read from the lines) and the whole months agree.
    assert store.price_index(dt.date(2022, 12, 15), dt.date(2023, 1, 31)).to_dict() == \
        pytest.approx({"B": 300 / 312})
    # The S1 filter keeps A, priced against every customer's lines: still 140 / 170.
    assert store.price_index(segments=["S1"]).to_dict() == pytest.approx({"A": 140 / 170})


# --- the sample -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_db):
    store = Store(sample_db)
    base = store.customer_base()
    years = store.customer_years()
    first = store.first_purchase()
    index = store.price_index()
    store.close()
    return base, years, first, index


def test_the_sample_has_the_relationship_columns_with_gaps(sample):
    customers = sample[0].customers
    for column in ("since", "wallet", "referrals", "co_development", "invests",
                   "relationship"):
        share = customers[column].isna().mean()
        assert 0.02 < share < 0.6, (column, share)
    assert set(customers["relationship"].dropna()) == {"transactional", "value_adding",
                                                        "collaborative"}
    assert customers["co_development"].any() and customers["invests"].any()
    assert (customers["referrals"].dropna() >= 0).all()


def test_the_sample_flags_relationship_activities(sample):
    rates = sample[0].rates
    flagged = set(rates.loc[rates["relationship"], "activity"])
    assert flagged == {"Account management", "Joint development"}


def test_the_sample_has_new_lost_growing_and_shrinking_customers(sample):
    _, years, first, _ = sample
    cohorts = first.dt.year.value_counts()
    assert cohorts[2023] > 50 and cohorts[2024] > 20
    revenue = years[years["net_revenue"] > 0].pivot_table(
        index="customer_id", columns="year", values="net_revenue")
    lost = revenue[2022].notna() & revenue[2024].isna()
    assert lost.sum() > 50
    change = revenue[2024] / revenue[2023]
    assert (change > 1.5).sum() > 50 and (change < 0.67).sum() > 50


def test_the_sample_groups_pay_their_textbook_prices(sample):
    base, _, _, index = sample
    median = base.customers.join(index)["price_index"].groupby(
        base.customers["segment"]).median()
    # Group A pays a premium, groups B and C want rock-bottom prices.
    assert median["Premium service"] > 1 > median["Price-driven"]
    assert median["Premium service"] > median["Demanding"]


def test_one_wide_file_gives_the_relationship_attributes_per_customer(tmp_path):
    from data.recipe import LoadOptions

    path = tmp_path / "lines.csv"
    path.write_text(
        "customer_id,date,net_revenue,relationship,invests,referrals\n"
        "A,2024-01-01,10,Collaborative,yes,2\nA,2024-02-01,10,collaborative,Y,2\n"
        "B,2024-01-01,5,,no,\n", encoding="utf-8")
    store = Store(":memory:")
    store.load_files({"transactions": path},
                     options=LoadOptions(customers_from_transactions=True))
    customers = store.customer_base().customers
    assert customers["relationship"].tolist()[:1] == ["collaborative"]
    assert pd.isna(customers.loc["B", "relationship"])
    assert customers["invests"].tolist() == [True, False]
    assert customers.loc["A", "referrals"] == 2.0 and math.isnan(customers.loc["B",
                                                                               "referrals"])
    assert "co_development" not in customers.columns
    store.close()


def test_an_embedded_sample_generated_before_the_relationship_columns_is_generated_again(
        tmp_path):
    from data.sample import write_sample
    from data.sources import table_files
    from data.store import SAMPLE_LABEL

    folder = tmp_path / "old-sample"
    write_sample(folder, customers=30, seed=1, years=1)
    for table, dropped in (("customers", ["referrals", "co_development", "invests",
                                          "relationship"]), ("rates", ["relationship"])):
        path = folder / f"{table}.csv"
        pd.read_csv(path).drop(columns=dropped).to_csv(path, index=False)
    store = Store(":memory:")
    files, _ = table_files(folder, ("transactions", "activities", "rates", "resources",
                                    "customers"))
    store.load_files(files, source=SAMPLE_LABEL)
    old = store.info()
    assert store.sample_outdated(old)
    info = store.ensure_dataset()
    assert info.version != old.version and not store.sample_outdated(info)
    assert info.rows["customers"] == 2000
    assert "relationship" in store.customer_base().customers.columns
    # Any other dataset, even one without these columns, is left as it is.
    store.load_files(files, source="Folder old-sample")
    kept = store.info()
    assert not store.sample_outdated(kept) and store.ensure_dataset().version == kept.version
    store.close()
