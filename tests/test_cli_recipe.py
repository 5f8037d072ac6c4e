"""The command line with a recipe: load, report and scenario read the export as it comes."""

import json

from analytics.cli import main
from data.wide_sample import write_wide_export

RECIPE = """
[transactions]
file = "export/order_lines.csv"
[transactions.columns]
customer_id = "Customer ID"
date = "Order Date"
net_revenue = "Sales"
gross_profit = "Profit"
discount = "Discount"
order_id = "Order ID"
quantity = "Quantity"
product_id = "Product ID"

[customers]
file = "export/order_lines.csv"
[customers.columns]
customer_id = "Customer ID"
name = "Customer Name"
segment = "Segment"
region = "Region"

[[drivers]]
activity = "Order handling"
per = "order"
resource = "Customer service"
unit_time = 5

[[drivers]]
activity = "Order lines"
per = "line"
resource = "Customer service"
unit_time = 1

[[drivers]]
activity = "Expedited order"
per = "order"
where = { "Order Priority" = ["1-URGENT", "2-HIGH"] }
resource = "Customer service"
unit_time = 10

[[drivers]]
activity = "Same-day shipment"
per = "order"
where = { "Ship Mode" = "Same Day" }
cost_per_unit = 35

[[drivers]]
activity = "Return"
per = "line"
where = { "Quantity" = "< 0" }
cost_per_unit = 20

[[resources]]
resource = "Customer service"
cost = 20000
capacity = 30000
"""


def _recipe(tmp_path, text=RECIPE):
    facts = write_wide_export(tmp_path / "export" / "order_lines.csv", customers=60, seed=3)
    path = tmp_path / "month.toml"
    path.write_text(text, encoding="utf-8")
    return path, facts


def test_load_then_report_equals_report_from_the_recipe(tmp_path, capsys):
    recipe, facts = _recipe(tmp_path)
    db = tmp_path / "store.duckdb"
    assert main(["load", "--recipe", str(recipe), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"transactions: {facts['lines']:,} rows" in out
    assert "two-digit years, read as DD/MM/YY" in out
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "a")]) == 0
    assert main(["report", "--recipe", str(recipe), "--out", str(tmp_path / "b")]) == 0
    for name in ("customer_pnl.csv", "whale.csv", "capacity.csv", "segments.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["customers"] == facts["customers"]
    assert round(summary["net_revenue"], 2) == round(facts["sales"], 2)
    assert summary["cost_to_serve"] > 0
    assert round(summary["net_margin"], 2) == round(facts["profit"], 2)


def test_a_bad_recipe_exits_2_naming_recipe_key_and_value(tmp_path, capsys):
    recipe, _ = _recipe(tmp_path, RECIPE.replace('per = "line"', 'per = "lines"', 1))
    assert main(["load", "--recipe", str(recipe), "--db", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert 'month.toml, drivers[2].per: "lines" must be one of order, line, unit' in err
    assert "Traceback" not in err


def test_one_source_only(tmp_path, capsys):
    recipe, _ = _recipe(tmp_path)
    assert main(["report", str(tmp_path), "--recipe", str(recipe), "--out", str(tmp_path)]) == 2
    assert "report needs a dataset folder, --recipe RECIPE or --db PATH" in (
        capsys.readouterr().err)
    assert main(["load", "--db", str(tmp_path / "x.duckdb")]) == 2
