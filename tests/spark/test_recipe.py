"""Recipes on the Spark engine (issue 13, items 2, 3 and 5): the generated wide export
with drivers (one CSV of order lines: mapping, two-digit-year dates, COGS from profit,
list revenue from discount, customers from the lines, five drivers and a resource given
inline) loads on both engines into stores whose cube tables are the same and whose
reports are the same files byte for byte (so the customer P&L to the cent); the same
lines as a Spark catalog table (``[source] table``) give the same report again."""

from __future__ import annotations

import json

import pytest

from analytics.cli import main
from data import Store
from data.engines import CUBE_KEYS
from data.wide_sample import write_wide_export
from tests.spark.test_parity import assert_same_table
from tests.test_cli_recipe import RECIPE

# The recipe of tests/test_cli_recipe.py (its dates, 03/01/19, day first with two-digit
# years, detected from the values by both engines) with two more drivers: per unit, and a
# condition whose values hold quotes, a comma, an ampersand and a backslash (a customer of
# the export is O'Neil, "Big Jim" & Sons): the values are SQL literals in the portable
# query, escaped for each engine.
MORE_DRIVERS = """
[[drivers]]
activity = "Units picked"
per = "unit"
where = { "Ship Mode" = ["standard class", "Second Class"] }
cost_per_unit = 0.25

[[drivers]]
activity = "Key account desk"
per = "order"
where = { "Customer Name" = ["O'Neil, \\"Big Jim\\" & Sons", "back\\\\slash"] }
cost_per_unit = 15
"""
WIDE = RECIPE.replace("[[resources]]", MORE_DRIVERS + "\n[[resources]]", 1)
CATALOG = ('[source]\nengine = "spark"\ntable = "sales.order_lines"\n'
           + WIDE.replace('file = "export/order_lines.csv"\n', ""))


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    root = tmp_path_factory.mktemp("wide")
    facts = write_wide_export(root / "export" / "order_lines.csv", customers=40, seed=3)
    for name, text in (("month.toml", WIDE),
                       ("catalog.toml", CATALOG)):
        (root / name).write_text(text, encoding="utf-8")
    return root, facts


def _report(out, *args) -> dict[str, str]:
    """The report's files; summary.json without the load's warnings (compared apart)."""
    assert main(["report", *args, "--out", str(out)]) == 0
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    summary = json.loads(files["summary.json"])
    files["warnings"] = summary.pop("warnings")
    files["summary.json"] = json.dumps(summary)
    return files


def _store_tables(db) -> dict:
    store = Store(db)
    try:
        with store.cursor() as cur:
            tables = {t: cur.sql(f"SELECT * FROM {t}").to_arrow_table() for t in CUBE_KEYS}
            for t in ("rates", "resources", "customers"):
                tables[t] = cur.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            tables["sources"] = cur.sql(
                "SELECT activity, kind, per, counted FROM activity_sources ORDER BY ALL"
            ).fetchall()
        return tables, store.info()
    finally:
        store.close()


@pytest.fixture(scope="module")
def stores(wide, spark):
    """The wide export loaded by DuckDB (lines dropped) and by Spark, from the CLI."""
    root, _ = wide
    duck, on_spark = root / "duck.duckdb", root / "spark.duckdb"
    assert main(["load", "--recipe", str(root / "month.toml"), "--db", str(duck),
                 "--lines", "drop"]) == 0
    # The same recipe with --engine spark (the catalog recipe below says engine = "spark"
    # in its [source] instead).
    assert main(["load", "--recipe", str(root / "month.toml"), "--engine", "spark",
                 "--db", str(on_spark)]) == 0
    return duck, on_spark


def test_wide_export_recipe_same_store_on_both_engines(stores, wide):
    (duck_tables, duck_info), (spark_tables, spark_info) = map(_store_tables, stores)
    for name in CUBE_KEYS:
        assert_same_table(name, duck_tables[name], spark_tables[name])
    # The drivers' rates and the inline resource, the customers from the lines (each
    # customer's most frequent segment and region) and where each activity came from.
    for name in ("rates", "resources", "customers", "sources"):
        assert spark_tables[name] == duck_tables[name], name
    assert len(spark_tables["customers"]) == wide[1]["customers"]
    assert spark_info.lines_kept is False and spark_info.source.endswith("(Spark)")
    assert spark_info.rows == duck_info.rows
    activity = spark_tables["cube_activity_month"].to_pandas()
    assert set(activity.activity) == {"Order handling", "Order lines", "Expedited order",
                                      "Same-day shipment", "Return", "Units picked",
                                      "Key account desk"}
    # The quoted name's orders, counted by the per-order driver as its orders' count.
    months = spark_tables["cube_order_month"].to_pandas()
    key = activity[activity.activity == "Key account desk"]
    assert key.customer_id.nunique() == 1
    orders = months[months.customer_id == key.customer_id.iloc[0]].order_id.nunique()
    assert key.quantity.sum() == orders > 0


def test_wide_export_recipe_same_report_on_both_engines(stores, wide, tmp_path):
    duck, on_spark = stores
    facts = wide[1]
    files = _report(tmp_path / "spark", "--db", str(on_spark))
    duck_files = _report(tmp_path / "duck", "--db", str(duck))
    # The load's warnings: the same but for how a tie between two values of an attribute
    # is broken (Spark has no line order: the greatest value).
    spark_said, duck_said = files.pop("warnings"), duck_files.pop("warnings")
    assert [w.replace("the latest date, then the greatest value", "the latest line")
            for w in spark_said] == duck_said
    assert files == duck_files
    # From the lines as generated: revenue and margin to the cent, drivers costed.
    summary = json.loads(files["summary.json"])
    assert summary["customers"] == facts["customers"]
    assert round(summary["net_revenue"], 2) == round(facts["sales"], 2)
    assert round(summary["net_margin"], 2) == round(facts["profit"], 2)
    assert summary["cost_to_serve"] > 0


def test_a_catalog_table_loads_as_the_file_does(stores, wide, spark, tmp_path, capsys):
    """The lines as a Spark catalog table (typed columns: DATE, DECIMAL, INT, DOUBLE, in
    a database in a temporary location), read through spark.table by the recipe's
    [source] table, with the customers from its lines: ``report --recipe`` writes the
    same report as the DuckDB store's."""
    root, _ = wide
    spark.sql(f"CREATE DATABASE IF NOT EXISTS sales LOCATION '{tmp_path / 'warehouse'}'")
    try:
        csv = spark.read.options(header="true", quote='"', escape='"').csv(
            str(root / "export" / "order_lines.csv"))
        csv.selectExpr(
            "`Order ID`", "to_date(`Order Date`, 'dd/MM/yy') AS `Order Date`",
            "`Ship Mode`", "`Order Priority`", "`Customer ID`", "`Customer Name`",
            "Segment", "Region", "`Product ID`", "CAST(Quantity AS INT) AS Quantity",
            "CAST(Sales AS DECIMAL(18,2)) AS Sales", "CAST(Discount AS DOUBLE) AS Discount",
            "CAST(Profit AS DECIMAL(18,2)) AS Profit",
        ).write.saveAsTable("sales.order_lines")
        # report straight from the recipe (no store): Spark reads the table.
        catalog = _report(tmp_path / "catalog", "--recipe", str(root / "catalog.toml"))
        duck = _report(tmp_path / "duck", "--db", str(stores[0]))
        assert catalog.pop("warnings") != duck.pop("warnings")  # the table's name, not a file's
        assert catalog == duck
        # A table that is not there is named, with Spark's reason.
        missing = tmp_path / "missing.toml"
        missing.write_text(CATALOG.replace("sales.order_lines", "sales.orders"))
        capsys.readouterr()
        assert main(["load", "--recipe", str(missing), "--db",
                     str(tmp_path / "x.duckdb")]) == 2
        err = capsys.readouterr().err
        assert 'missing.toml, source.table: "sales.orders" cannot be read by Spark (' in err
        assert "Traceback" not in err
    finally:
        spark.sql("DROP DATABASE IF EXISTS sales CASCADE")


def test_a_two_digit_year_whose_order_no_value_shows_is_refused(spark, tmp_path):
    """As the importer: 03/04/19 could be either order; without a day above 12 Spark
    cannot tell and asks for the format, the recipe's date_format then reads it."""
    from data.engines.spark import SparkDataError, read_table

    lines = tmp_path / "lines.csv"
    lines.write_text("customer_id,date,net_revenue\nA,03/04/19,10\nB,12/11/19,5\n")
    with pytest.raises(SparkDataError) as error:
        read_table(spark, "transactions", lines)
    assert error.value.problems == [
        "lines.csv, date: dates such as 03/04/19 have a two-digit year and no value shows "
        "whether the day or the month comes first: choose DD/MM/YY or MM/DD/YY as the "
        "column's date format (a recipe's date_format)"]
    table = read_table(spark, "transactions", lines, formats={"date": "mdy_slash_yy"})
    try:
        dates = sorted(str(r.date) for r in table.frame.collect())
    finally:
        table.cached.unpersist()
    assert dates == ["2019-03-04", "2019-12-11"]


def test_a_refused_recipe_gets_the_importers_words_for_local_files(spark, tmp_path):
    """Spark refuses the lines (no line numbers); for local files the DuckDB importer
    then words the problems, as for a folder: file, line, column and value."""
    from data.engines.spark import SparkDataError, build_recipe_cube
    from data.recipe import read_recipe

    (tmp_path / "lines.csv").write_text("Cust;Day;Amount\nA;2024-01-05;10,5\nB;2024-01-06;"
                                        "ten\n", encoding="utf-8")
    recipe = tmp_path / "r.toml"
    recipe.write_text('[source]\nengine = "spark"\n[transactions]\nfile = "lines.csv"\n'
                      '[transactions.columns]\ncustomer_id = "Cust"\ndate = "Day"\n'
                      'net_revenue = "Amount"\n', encoding="utf-8")
    with pytest.raises(SparkDataError) as error:
        build_recipe_cube(spark, read_recipe(recipe))
    assert error.value.problems == ['lines.csv line 3, net_revenue: "ten" is not a number']


def test_an_excel_file_for_spark_says_to_load_it_with_duckdb(spark, tmp_path, capsys):
    (tmp_path / "lines.xlsx").write_bytes(b"PK")
    recipe = tmp_path / "r.toml"
    recipe.write_text('[source]\nengine = "spark"\n[transactions]\nfile = "lines.xlsx"\n',
                      encoding="utf-8")
    assert main(["load", "--recipe", str(recipe), "--db", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert ("lines.xlsx: the Spark engine reads CSV or Parquet files (an Excel file: load "
            "it with --engine duckdb)") in err
    assert "Traceback" not in err
