"""python -m analytics portfolio: known answers on a three-customer dataset, the sample's
files add up, a dataset without the optional columns, bad input exit 2."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.cli import main
from data import Store
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    not all(hasattr(Store, m) for m in ("customer_years", "first_purchase", "price_index")),
    reason="the store's customer_years, first_purchase and price_index are not there yet")

PORTFOLIO = ["customer_id", "buyer_type", "loyalty_rung", "loyalty_rung_name", "relationship",
             "relationship_inferred", "relationship_cost", "overdesigned",
             "share_of_wallet_pct", "growth_prospect", "cohort", "tenure_years"]
LADDER = ["rung", "name", "customers", "avg_revenue", "avg_profit"]
COHORTS = ["cohort", "year", "customers", "active", "retention_pct",
           "profit_per_active_customer"]

# Three customers, 2023-01-05 to 2025-12-20, one product whose median net unit price is
# 95 (lines at 100, 100, 120, 90, 90, 80). Worked out by hand:
#   A: revenue 4,400, COGS 2,400, orders 30 + visits 200 -> profit 1,770; price 1.158
#   B: revenue 1,350, COGS 750, orders 20 -> profit 580; price 0.947
#   C: revenue 800, COGS 700, order 10 + visits 500 -> profit -410; price 0.842
FILES = {
    "customers.csv": "customer_id,name,segment,since,wallet,referrals,co_development,"
    """invests,relationship
A,Alpha,Key,2020-05-01,10000,2,true,,collaborative
B,Beta,Key,,,,false,,
C,Gamma,Small,,500,0,,,transactional
""",
    "transactions.csv": """customer_id,date,product_id,quantity,list_revenue,net_revenue,cogs
A,2023-01-05,P1,10,1000,1000,600
A,2024-06-01,P1,10,1000,1000,600
A,2025-12-20,P1,20,2400,2400,1200
B,2024-03-01,P1,10,900,900,500
B,2025-03-01,P1,5,450,450,250
C,2025-09-01,P1,10,800,800,700
""",
    "activities.csv": """customer_id,activity,quantity,date
A,Order,1,2023-01-05
A,Order,1,2024-06-01
A,Order,1,2025-12-20
A,Visit,2,2024-06-01
B,Order,1,2024-03-01
B,Order,1,2025-03-01
C,Order,1,2025-09-01
C,Visit,5,2025-09-01
""",
    "rates.csv": """activity,cost_per_unit,relationship
Order,10,
Visit,100,true
""",
}


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def read(out):
    portfolio = pd.read_csv(out / "portfolio.csv", dtype={"customer_id": str})
    ladder = pd.read_csv(out / "ladder.csv")
    cohorts = pd.read_csv(out / "cohorts.csv")
    summary = json.loads((out / "portfolio_summary.json").read_text(encoding="utf-8"))
    return portfolio, ladder, cohorts, summary


def test_known_answers(tmp_path):
    data = write(tmp_path / "data", FILES)
    out = tmp_path / "out"
    assert main(["portfolio", str(data), "--out", str(out), "--win-cost-pct", "10",
                 "--rung-cost", "100"]) == 0
    portfolio, ladder, cohorts, summary = read(out)
    assert list(portfolio.columns) == PORTFOLIO
    row = portfolio.set_index("customer_id")
    # Medians: margin 600, cost to serve 230 (at or above: high).
    assert row["buyer_type"].tolist() == ["partner", "most_valuable", "underperformer"]
    # A: repurchases, grows (2,400 > 1,000), refers, stays, premium, co-develops; invests
    # is empty for everyone: skipped. B grows not (450 < 900). C bought in one year only.
    assert row["loyalty_rung"].tolist() == [6, 1, 0]
    assert row["loyalty_rung_name"].tolist() == ["collaborates", "repurchases",
                                                 "not_on_ladder"]
    # B: no stated type, no co-development, price index 0.947 < 1 -> transactional.
    assert row["relationship"].tolist() == ["collaborative", "transactional", "transactional"]
    assert row["relationship_inferred"].tolist() == [False, True, False]
    assert row["relationship_cost"].tolist() == [200.0, 0.0, 500.0]
    # Threshold: the median relationship cost of the non-transactional (A) = 200.
    assert row["overdesigned"].tolist() == [False, False, True]
    # A: 2,400 of a 10,000 wallet; (10,000 - 2,400) x (45.45 % - 10 %) = 2,694.55.
    assert row.loc["A", "share_of_wallet_pct"] == 24.0
    assert row.loc["A", "growth_prospect"] == 2694.55
    assert row.loc["C", "share_of_wallet_pct"] == 160.0
    assert row.loc["C", "growth_prospect"] == 0.0
    assert row.loc[["B"], ["share_of_wallet_pct", "growth_prospect"]].isna().all().all()
    assert row["cohort"].tolist() == [2020, 2024, 2025]
    assert row["tenure_years"].tolist() == [5, 1, 0]

    assert list(ladder.columns) == LADDER
    assert ladder["customers"].tolist()[:7] == [1, 1, 0, 0, 0, 0, 1]
    assert pd.isna(ladder.loc[7, "customers"])  # invests: skipped, empty, not 0
    assert ladder.loc[[0, 1, 6], "avg_profit"].tolist() == [-410.0, 580.0, 1770.0]
    assert ladder.loc[2:5, "avg_revenue"].isna().all()

    assert list(cohorts.columns) == COHORTS
    assert cohorts[["cohort", "year"]].values.tolist() == [
        [2020, 2023], [2020, 2024], [2020, 2025], [2024, 2024], [2024, 2025], [2025, 2025]]
    # Each year analysed on its own: A 1,000 - 600 - 10 (2023), - 200 of visits (2024).
    assert cohorts["profit_per_active_customer"].tolist() == [390.0, 190.0, 1190.0, 390.0,
                                                              190.0, -410.0]
    assert cohorts["retention_pct"].tolist() == [100.0] * 6

    assert summary["ladder"]["skipped"] == {
        "invests": "skipped: needs the customers column invests"}
    assert summary["relationships"]["overdesign_threshold"] == 200.0
    assert summary["period"]["last_12_months"] == ["2024-12-21", "2025-12-20"]
    assert summary["wallet"]["growth_prospect"] == 2694.55


def test_custom_ladder_and_thresholds(tmp_path):
    data = write(tmp_path / "data", FILES)
    out = tmp_path / "out"
    assert main(["portfolio", str(data), "--out", str(out), "--ladder",
                 "repurchases,refers,pays_premium", "--reward-threshold", "1000",
                 "--cost-threshold", "100"]) == 0
    portfolio, ladder, _, summary = read(out)
    assert portfolio["loyalty_rung"].tolist() == [3, 1, 0]
    assert ladder["name"].tolist() == ["not_on_ladder", "repurchases", "refers",
                                       "pays_premium"]
    assert portfolio["buyer_type"].tolist() == ["partner", "commodity", "underperformer"]
    assert summary["buyer_types"]["method"] == "custom"


def test_a_recipes_ladder_is_the_default_and_a_bad_rung_names_the_recipe(tmp_path, capsys):
    data = write(tmp_path / "data", FILES)
    tables = "".join(f'[{name}]\nfile = "{name}.csv"\n' for name in
                     ("transactions", "customers", "activities", "rates"))
    recipe = data / "erp.toml"
    recipe.write_text(tables + '[ladder]\nrungs = ["repurchases", "refers", "pays_premium"]\n',
                      encoding="utf-8")
    out = tmp_path / "out"
    assert main(["portfolio", "--recipe", str(recipe), "--out", str(out)]) == 0
    _, ladder, _, _ = read(out)
    assert ladder["name"].tolist() == ["not_on_ladder", "repurchases", "refers",
                                       "pays_premium"]
    recipe.write_text(tables + '[ladder]\nrungs = ["repurchases", "flies"]\n', encoding="utf-8")
    assert main(["portfolio", "--recipe", str(recipe), "--out", str(out)]) == 2
    assert "erp.toml, ladder.rungs:" in capsys.readouterr().err


def test_without_the_optional_columns(tmp_path):
    bare = {"transactions.csv": "customer_id,date,net_revenue,cogs\n"
            "A,2024-02-01,100,60\nA,2025-02-01,120,70\nB,2025-05-01,50,40\n"}
    data = write(tmp_path / "data", bare)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "portfolio", str(data), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    portfolio, _, cohorts, summary = read(out)
    for column in ("relationship_cost", "overdesigned", "share_of_wallet_pct",
                   "growth_prospect"):
        assert portfolio[column].isna().all(), column
    assert portfolio["relationship_inferred"].all()
    assert portfolio["cohort"].tolist() == [2024, 2025]
    # 15 months of data: no 12 months before the last 12 to grow from.
    assert set(summary["ladder"]["skipped"]) == {"grows", "refers", "stays", "pays_premium",
                                                 "collaborates", "invests"}
    for column in ("wallet", "referrals", "product_id", "relationship"):
        assert column in result.stderr, column
    assert cohorts["customers"].groupby(cohorts["cohort"]).first().sum() == 2


def test_sample_files_add_up(tmp_path):
    data = tmp_path / "sample"
    assert main(["sample", str(data), "--customers", "300"]) == 0
    out = tmp_path / "out"
    assert main(["portfolio", str(data), "--out", str(out), "--rung-cost", "500"]) == 0
    portfolio, ladder, cohorts, summary = read(out)
    customers = pd.read_csv(data / "customers.csv", dtype={"customer_id": str}).set_index(
        "customer_id")
    assert len(portfolio) == summary["customers"]
    assert ladder["customers"].sum() == len(portfolio)
    assert cohorts["customers"].groupby(cohorts["cohort"]).first().sum() + \
        summary["cohorts"]["unknown"] == len(portfolio)
    counts = portfolio["buyer_type"].value_counts()
    assert sum(g["customers"] for g in summary["buyer_types"]["groups"].values()) == len(
        portfolio)
    for kind, group in summary["buyer_types"]["groups"].items():
        assert counts.get(kind, 0) == group["customers"]
    # Empty where the evidence is missing: no wallet, no share of wallet.
    if "wallet" in customers.columns:
        wallet = customers["wallet"].reindex(portfolio["customer_id"]).to_numpy()
        assert portfolio["share_of_wallet_pct"].isna().to_numpy()[pd.isna(wallet)].all()
    assert (portfolio["overdesigned"].fillna(False) <= (
        portfolio["relationship"] == "transactional")).all()


@pytest.mark.parametrize("extra, message", [
    (["--start", "2025-02-01", "--end", "2024-01-01"], "is after"),
    (["--ladder", "repurchases,loves_us"], "unknown rung"),
    (["--ladder", "refers,refers"], "twice"),
    (["--rung-cost", "0"], "--rung-cost"),
    (["--win-cost-pct", "-5"], "--win-cost-pct"),
    (["--reward-threshold", "5"], "go together"),
    (["--rung-cost", "abc"], "not a number"),
])
def test_bad_input_exits_2_in_one_line(tmp_path, capsys, extra, message):
    data = write(tmp_path / "data", FILES)
    assert main(["portfolio", str(data), "--out", str(tmp_path / "out"), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert not (tmp_path / "out").exists()


def test_needs_one_source(tmp_path, capsys):
    assert main(["portfolio", "--out", str(tmp_path / "out")]) == 2
    assert "portfolio needs" in capsys.readouterr().err
