"""A recipe's [source]: the engine that aggregates its lines and a catalog table read in
place of the transactions file (issue 13), with a clear message for each bad value."""

from pathlib import Path

import pytest

from data.problems import DatasetError
from data.recipe import RecipeSource, parse_recipe

LINES = '''
[transactions]
file = "lines.csv"
'''
CATALOG = '''
[source]
engine = "spark"
table = "sales.order_lines"
master = "spark://head:7077"

[transactions]
date_format = "DD/MM/YY"
[transactions.columns]
customer_id = "Customer ID"

[customers]
[customers.columns]
segment = "Segment"

[rates]
file = "rates.csv"
'''


def problems(text: str, catalog: bool = True) -> list[str]:
    with pytest.raises(DatasetError) as error:
        parse_recipe(text, Path("/data"), "r.toml", catalog=catalog)
    return [str(p) for p in error.value.problems]


def test_no_source_is_duckdb_and_writes_no_source_section():
    recipe = parse_recipe(LINES, Path("/data"), "r.toml")
    assert recipe.source == RecipeSource("duckdb", None, None)
    assert "[source]" not in recipe.to_toml()


def test_a_catalog_table_replaces_the_transactions_file_and_round_trips():
    recipe = parse_recipe(CATALOG, Path("/data"), "r.toml", catalog=True)
    assert recipe.source == RecipeSource("spark", "sales.order_lines", "spark://head:7077")
    assert recipe.tables["transactions"].file is None
    # [customers] without a file: the attributes come from the same table's lines.
    assert recipe.customers_from_transactions
    assert recipe.files() == {"rates": Path("/data/rates.csv")}
    assert recipe.mappings()["transactions"] == {"customer_id": "Customer ID",
                                                 "segment": "Segment"}
    assert recipe.options().date_formats == {"transactions": {"date": "dmy_slash_yy"}}
    again = parse_recipe(recipe.to_toml(Path("/data")), Path("/data"), "r.toml", catalog=True)
    assert again == recipe


def test_spark_engine_with_a_file():
    recipe = parse_recipe('[source]\nengine = "spark"\n' + LINES, Path("/data"), "r.toml")
    assert recipe.source.engine == "spark" and recipe.source.table is None
    assert recipe.files() == {"transactions": Path("/data/lines.csv")}


@pytest.mark.parametrize(("source", "message"), [
    ('engine = "flink"', 'r.toml, source.engine: "flink" must be duckdb or spark'),
    ('engine = "spark"\ntable = "sales order lines"',
     'r.toml, source.table: "sales order lines" names a catalog table, such as '
     "sales.order_lines"),
    ('engine = "spark"\ntable = "a.b.c.d"', 'source.table: "a.b.c.d" names a catalog table'),
    ('table = "sales.lines"', 'r.toml, source.table: "sales.lines" is for the Spark engine: '
     'add engine = "spark" to [source]'),
    ('engine = "duckdb"\nmaster = "local[2]"', 'source.master: "local[2]" is for the Spark '
     "engine"),
    ('engine = "spark"\nmaster = ""', 'source.master: "" is a Spark master URL'),
    ('engine = "spark"\nwarehouse = "/x"', "r.toml, source.warehouse: is not a key of "
     "[source] (known: engine, master, table)"),
])
def test_bad_source_values_are_named(source, message):
    found = problems(f"[source]\n{source}\n{LINES}")
    assert any(message in p for p in found), found


def test_a_file_and_a_table_for_the_lines_is_refused():
    found = problems('[source]\nengine = "spark"\ntable = "sales.lines"\n' + LINES)
    assert found == ['r.toml, transactions.file: "lines.csv" the lines come from the catalog '
                     "table sales.lines ([source] table): give the file or the table, not "
                     "both"]


def test_the_data_page_refuses_a_catalog_table_saying_where_it_loads():
    found = problems(CATALOG, catalog=False)
    assert found == ['r.toml, source.table: "sales.order_lines" a catalog table is read by '
                     "the command line's Spark engine (python -m analytics load --recipe "
                     "RECIPE), not from uploads: load this recipe there"]


def test_without_a_table_the_transactions_file_is_still_required():
    found = problems('[source]\nengine = "spark"\n[transactions]\n[transactions.columns]\n'
                     'customer_id = "C"\n')
    assert any("transactions.file: names the table's file" in p for p in found), found
