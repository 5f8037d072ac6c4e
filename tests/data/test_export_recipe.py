"""One wide export as it comes: two-digit years, derived money columns, customer attributes
from the lines, cost drivers counted from them, and recipes. Known answers, by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from data import DatasetError, Store
from data.drivers import Condition, Driver, ResourceSpec
from data.recipe import LoadOptions, parse_recipe, read_recipe

WIDE = """Order,Date,Cust,Name,Segment,Region,Priority,Ship Mode,Qty,Sales,Discount,Profit
O1,13/01/19,A,Acme,Corp,West,1-URGENT,First Class,2,80.00,0.2,30.00
O1,13/01/19,A,Acme,Corp,West,1-URGENT,First Class,1,50.00,0,10.00
O2,14/01/19,A,Acme Inc,Corp,East,3-MEDIUM,Standard Class,-1,-20.00,0,-5.00
O3,02/02/19,B,Beta,Home,South,2-HIGH,Same Day,5,100.00,0.5,-10.00
O4,03/02/19,B,Beta,Home,South,5-LOW, standard class ,3,30.00,0,6.00
O5,04/03/19,C,Gamma,Consumer,North,5-LOW,Standard Class,4,40.00,0,8.00
"""
LINES = {"customer_id": "Cust", "date": "Date", "net_revenue": "Sales", "order_id": "Order",
         "quantity": "Qty", "gross_profit": "Profit", "discount": "Discount"}
ATTRIBUTES = {"name": "Name", "segment": "Segment", "region": "Region"}
DRIVERS = (
    Driver("Order handling", "order", resource="Customer service", unit_time=5),
    Driver("Order lines", "line", resource="Customer service", unit_time=1),
    Driver("Units picked", "unit", cost_per_unit=0.5),
    Driver("Expedited order", "order", (Condition("Priority", ("1-urgent", " 2-HIGH")),),
           cost_per_unit=45.0),
    Driver("Return", "line", (Condition("Qty", op="<", number=0),), cost_per_unit=20.0),
    Driver("Standard shipment", "order", (Condition("Ship Mode", ("Standard Class",)),),
           cost_per_unit=3.0),
    Driver("Deep discount line", "line", (Condition("Discount", op=">", number=0.3),),
           cost_per_unit=7.0),
)
RESOURCES = (ResourceSpec("Customer service", 600.0, 1000.0),)


@pytest.fixture
def wide(tmp_path):
    path = tmp_path / "order_lines.csv"
    path.write_text(WIDE, encoding="utf-8")
    return path


def load(path, drivers=DRIVERS, attributes=True, **extra):
    store = Store(":memory:")
    options = LoadOptions(customers_from_transactions=attributes, drivers=drivers,
                          resources=RESOURCES if drivers else (), origin="test recipe", **extra)
    mapping = {**LINES, **(ATTRIBUTES if attributes else {})}
    result = store.load_files({"transactions": path}, mappings={"transactions": mapping},
                              options=options)
    return store, result


def volumes(store, **period):
    base = store.customer_base(**period)
    counted = {c: {a: q for a, q in row.items() if q}
               for c, row in base.volumes.to_dict("index").items()}
    return counted, base


def test_every_driver_basis_and_condition_kind_counts_by_hand(wide):
    store, _ = load(wide)
    counted, base = volumes(store)
    assert counted["A"] == {"Order handling": 2, "Order lines": 3, "Units picked": 4,
                            "Expedited order": 1, "Return": 1, "Standard shipment": 1}
    assert counted["B"] == {"Order handling": 2, "Order lines": 2, "Units picked": 8,
                            "Expedited order": 1, "Standard shipment": 1,
                            "Deep discount line": 1}
    assert counted["C"] == {"Order handling": 1, "Order lines": 1, "Units picked": 4,
                            "Standard shipment": 1}
    rates = base.rates.set_index("activity")
    assert rates.loc["Order handling", "resource"] == "Customer service"
    assert rates.loc["Expedited order", "cost_per_unit"] == 45.0
    assert base.resources.set_index("resource").loc["Customer service", "capacity"] == 1000


def test_the_period_filter_applies_to_drivers_by_the_lines_date(wide):
    store, _ = load(wide)
    counted, _ = volumes(store, end=dt.date(2019, 1, 31))
    assert set(counted) == {"A"}
    assert counted["A"]["Order handling"] == 2
    counted, _ = volumes(store, start=dt.date(2019, 2, 3), end=dt.date(2019, 2, 28))
    assert counted["B"] == {"Order handling": 1, "Order lines": 1, "Units picked": 3,
                            "Standard shipment": 1}


def test_cost_to_serve_from_a_time_equation(wide):
    from analytics.analysis import analyse

    store, _ = load(wide)
    base = store.customer_base()
    result = analyse(base.customers, base.volumes, base.rates, base.resources)
    cts = result.pnl["cost_to_serve"].to_dict()
    # 0.60 a minute: orders 5 min (3.00), lines 1 min (0.60).
    assert cts["A"] == pytest.approx(2 * 3 + 3 * 0.6 + 4 * 0.5 + 45 + 20 + 3)
    assert cts["B"] == pytest.approx(2 * 3 + 2 * 0.6 + 8 * 0.5 + 45 + 3 + 7)
    assert cts["C"] == pytest.approx(3 + 0.6 + 2 + 3)
    used = 5 * 5 + 6 * 1  # minutes
    assert result.unused_capacity_cost == pytest.approx((1000 - used) * 0.6)


def test_money_derived_from_profit_and_discount_columns(wide):
    store, result = load(wide, drivers=())
    frame = store.query_df(
        "SELECT customer_id, sum(list_revenue) AS list, sum(net_revenue) AS net, "
        "sum(cogs) AS cogs FROM transactions GROUP BY 1 ORDER BY 1"
    ).set_index("customer_id")
    assert frame.loc["A"].tolist() == [Decimal("130.0000"), Decimal("110.0000"),
                                       Decimal("75.0000")]
    assert frame.loc["B"].tolist() == [Decimal("230.0000"), Decimal("130.0000"),
                                       Decimal("134.0000")]
    assert any("discount read as a fraction (0.2 = 20 %)" in w for w in result.warnings)
    assert set(store.info().columns["transactions"]) >= {"cogs", "list_revenue"}
    columns = store.query_df("SELECT * FROM transactions LIMIT 0").columns
    assert not {"gross_profit", "discount", "name", "segment"} & set(columns)


def test_percentage_discounts_and_unit_cost(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("c,d,net,disc,qty,uc\nA,2024-01-05,80,20,4,7.5\nB,2024-01-05,90,10,2,"
                    "1.25\n")
    store = Store(":memory:")
    result = store.load_files({"transactions": path}, mappings={"transactions": {
        "customer_id": "c", "date": "d", "net_revenue": "net", "discount": "disc",
        "quantity": "qty", "unit_cost": "uc"}})
    frame = store.query_df("SELECT customer_id, list_revenue, cogs FROM transactions "
                           "ORDER BY 1")
    assert frame["list_revenue"].tolist() == [Decimal("100.0000"), Decimal("100.0000")]
    assert frame["cogs"].tolist() == [Decimal("30.0000"), Decimal("2.5000")]
    assert any("percentage (20 = 20 %)" in w for w in result.warnings)


def test_one_cogs_source_at_a_time_and_a_full_discount_is_refused(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("c,d,net,cost,profit,disc\nA,2024-01-05,80,10,70,1\n")
    store = Store(":memory:")
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": path}, mappings={"transactions": {
            "customer_id": "c", "date": "d", "net_revenue": "net", "cogs": "cost",
            "gross_profit": "profit"}})
    assert "cogs and gross_profit both give cogs: map only one of them" in str(error.value)
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": path}, mappings={"transactions": {
            "customer_id": "c", "date": "d", "net_revenue": "net", "discount": "disc",
            "cogs": None}})
    assert ('lines.csv line 2, discount: "1" is a discount of 100 % or more (read as a '
            "fraction; the discount scale can be chosen on the Data page or in a recipe's "
            "discount_scale)") in str(error.value)


def test_a_profit_column_mapped_as_cogs_is_flagged(wide):
    store = Store(":memory:")
    pending = store.stage_files({"transactions": wide}, mappings={"transactions": {
        "customer_id": "Cust", "date": "Date", "net_revenue": "Sales", "cogs": "Profit"}})
    assert ("order_lines.csv: cogs is negative on 1 of 5 lines with positive net revenue: is "
            "this a profit column? Map it as gross_profit.") in pending.warnings
    store.discard(pending)


def test_customer_attributes_from_the_lines_take_the_most_frequent_value(wide):
    store, result = load(wide, drivers=())
    customers = store.table("customers").set_index("customer_id")
    assert customers.loc["A", ["name", "segment", "region"]].tolist() == ["Acme", "Corp", "West"]
    assert customers.loc["C", "region"] == "North"
    assert ("order_lines.csv, region: 1 customer(s) have several values; each gets its most "
            "frequent one (ties: the latest line).") in result.warnings
    assert store.info().files["customers"] == "from order_lines.csv"


def test_ties_go_to_the_latest_line(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("c,d,net,seg\nA,2024-01-05,1,Old\nA,2024-03-05,1,New\nA,2024-02-05,1,"
                    "Mid\n")
    store = Store(":memory:")
    store.load_files({"transactions": path}, mappings={"transactions": {
        "customer_id": "c", "date": "d", "net_revenue": "net", "segment": "seg"}},
        options=LoadOptions(customers_from_transactions=True))
    assert store.table("customers")["segment"].tolist() == ["New"]


def test_without_attributes_the_customer_count_comes_from_the_lines(wide):
    store, _ = load(wide, drivers=(), attributes=False)
    assert store.customer_count() == 3


def test_two_digit_years_both_orders_and_an_explicit_format(tmp_path):
    day_first = tmp_path / "d.csv"
    day_first.write_text("c,d,net\nA,03/01/19,1\nA,13/01/19,1\n")
    month_first = tmp_path / "m.csv"
    month_first.write_text("c,d,net\nA,01/03/19,1\nA,01/13/19,1\n")
    ambiguous = tmp_path / "a.csv"
    ambiguous.write_text("c,d,net\nA,03/01/19,1\nA,04/01/19,1\n")
    mapping = {"transactions": {"customer_id": "c", "date": "d", "net_revenue": "net"}}
    store = Store(":memory:")
    for path in (day_first, month_first):
        store.load_files({"transactions": path}, mappings=mapping)
        dates = store.query_df("SELECT date FROM transactions ORDER BY rowid")["date"]
        assert [d.date() for d in dates] == [dt.date(2019, 1, 3), dt.date(2019, 1, 13)]
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": ambiguous}, mappings=mapping)
    assert "choose DD/MM/YY or MM/DD/YY" in str(error.value)
    store.load_files({"transactions": ambiguous}, mappings=mapping, options=LoadOptions(
        date_formats={"transactions": {"date": "mdy_slash_yy"}}))
    dates = store.query_df("SELECT date FROM transactions ORDER BY rowid")["date"]
    assert [d.date() for d in dates] == [dt.date(2019, 3, 1), dt.date(2019, 4, 1)]


def test_years_69_and_later_are_the_1900s(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("c,d,net\nA,31/12/68,1\nA,01/01/69,1\n")
    store = Store(":memory:")
    store.load_files({"transactions": path}, mappings={"transactions": {
        "customer_id": "c", "date": "d", "net_revenue": "net"}})
    dates = store.query_df("SELECT date FROM transactions ORDER BY rowid")["date"]
    assert [d.date() for d in dates] == [dt.date(2068, 12, 31), dt.date(1969, 1, 1)]


def test_an_explicit_format_that_does_not_fit_names_what_was_tried(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("c,d,net\nA,13/01/19,1\n")
    store = Store(":memory:")
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": path}, mappings={"transactions": {
            "customer_id": "c", "date": "d", "net_revenue": "net"}},
            options=LoadOptions(date_formats={"transactions": {"date": "mdy_slash_yy"}}))
    assert str(error.value) == (
        'd.csv line 2, date: "13/01/19" is not a valid date (expected MM/DD/YY, the chosen '
        "format; also tried YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD)")


RECIPE = """
[transactions]
file = "order_lines.csv"
date_format = "DD/MM/YY"
[transactions.columns]
customer_id = "Cust"
date = "Date"
net_revenue = "Sales"
gross_profit = "Profit"
discount = "Discount"
order_id = "Order"
quantity = "Qty"

[customers]
file = "order_lines.csv"
[customers.columns]
customer_id = "Cust"
name = "Name"
segment = "Segment"
region = "Region"

[[drivers]]
activity = "Order handling"
per = "order"
resource = "Customer service"
unit_time = 5

[[drivers]]
activity = "Expedited order"
per = "order"
where = { "Priority" = ["1-URGENT", "2-HIGH"] }
cost_per_unit = 45.0

[[drivers]]
activity = "Return"
per = "line"
where = { "Qty" = "< 0" }
cost_per_unit = 20.0

[[resources]]
resource = "Customer service"
cost = 600
capacity = 1000
"""


def test_a_recipe_loads_the_wide_file_and_round_trips(wide):
    recipe_path = wide.parent / "month.toml"
    recipe_path.write_text(RECIPE, encoding="utf-8")
    recipe = read_recipe(recipe_path)
    assert recipe.customers_from_transactions
    store = Store(":memory:")
    store.load_recipe(recipe)
    counted, _ = volumes(store)
    assert counted["A"] == {"Order handling": 2, "Expedited order": 1, "Return": 1}
    assert store.table("customers").set_index("customer_id").loc["B", "segment"] == "Home"
    again = parse_recipe(recipe.to_toml(wide.parent), wide.parent, "month.toml")
    assert again == recipe


def test_a_recipe_names_its_loyalty_ladder_and_round_trips(wide):
    text = RECIPE + '\n[ladder]\nrungs = ["repurchases", " stays ", "pays_premium"]\n'
    recipe = parse_recipe(text, wide.parent, "month.toml")
    assert recipe.ladder == ("repurchases", "stays", "pays_premium")
    assert parse_recipe(recipe.to_toml(wide.parent), wide.parent, "month.toml") == recipe
    assert parse_recipe(RECIPE, wide.parent, "month.toml").ladder == ()


@pytest.mark.parametrize(("change", "message"), [
    (('per = "order"\nresource', 'per = "week"\nresource'),
     'month.toml, drivers[1].per: "week" must be one of order, line, unit'),
    (("cost_per_unit = 20.0", "cost_per_unit = -2"),
     "month.toml, drivers[3].cost_per_unit: \"-2.0\" must be 0 or more"),
    (('"Qty" = "< 0"', '"Qty" = "< zero"'),
     'month.toml, drivers[3].where.Qty: "< zero": a comparison needs a number, such as "< 0"'),
    (('date_format = "DD/MM/YY"', 'date_format = "DD/MM/YYY"'),
     'month.toml, transactions.date_format: "DD/MM/YYY" is not a date format (known: '),
    (("[[resources]]", "colour = 1\n[[resources]]"),
     "month.toml, drivers[3].colour: is not a key of a driver"),
    (("capacity = 1000", "capacity = 0"),
     'month.toml, resources[1].capacity: "0.0" must be greater than 0'),
    (('net_revenue = "Sales"', 'net_revenue = "Sales"\nprofit = "Profit"'),
     "month.toml, transactions.columns.profit: is not a column of transactions"),
    (("[[resources]]", "[ladder]\nrungs = []\n[[resources]]"),
     "month.toml, ladder.rungs: \"[]\" lists the rungs' names in order, bottom first"),
    (("[[resources]]", "[ladder]\nsteps = [\"grows\"]\n[[resources]]"),
     "month.toml, ladder: must be a table ([ladder]) with one key, rungs"),
])
def test_a_bad_recipe_names_the_key_and_the_value(wide, change, message):
    recipe_path = wide.parent / "month.toml"
    recipe_path.write_text(RECIPE.replace(*change), encoding="utf-8")
    with pytest.raises(DatasetError) as error:
        read_recipe(recipe_path)
    assert any(str(p).startswith(message) for p in error.value.problems), error.value


def test_a_condition_on_a_column_not_in_the_file_lists_the_files_headers(wide):
    recipe_path = wide.parent / "month.toml"
    recipe_path.write_text(RECIPE.replace('"Priority" =', '"Prio" ='), encoding="utf-8")
    with pytest.raises(DatasetError) as error:
        Store(":memory:").load_recipe(read_recipe(recipe_path))
    assert str(error.value) == (
        'month.toml, drivers[2].where: column "Prio" is not in order_lines.csv (its columns: '
        "Order, Date, Cust, Name, Segment, Region, Priority, Ship Mode, Qty, Sales, Discount, "
        "Profit)")


def test_per_order_drivers_need_order_ids_and_names_must_not_clash(wide, tmp_path):
    no_orders = {k: v for k, v in LINES.items() if k != "order_id"}
    store = Store(":memory:")
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": wide}, mappings={"transactions": no_orders},
                         options=LoadOptions(drivers=DRIVERS[:1], resources=RESOURCES,
                                             origin="r.toml"))
    assert str(error.value).startswith(
        'r.toml, drivers[1].per: "Order handling" counts orders, but order_lines.csv has no '
        "order_id column")
    rates = tmp_path / "rates.csv"
    rates.write_text("activity,cost_per_unit\nReturn,3\n")
    with pytest.raises(DatasetError) as error:
        store.load_files({"transactions": wide, "rates": rates},
                         mappings={"transactions": LINES},
                         options=LoadOptions(drivers=DRIVERS[4:5], origin="r.toml"))
    assert 'r.toml, activity: "Return" is both a driver of the recipe and an activity in ' \
        "rates.csv" in str(error.value)


def test_a_recipe_is_remembered_per_layout(wide, tmp_path):
    recipe_path = wide.parent / "month.toml"
    recipe_path.write_text(RECIPE, encoding="utf-8")
    store = Store(tmp_path / "store.duckdb")
    headers = WIDE.splitlines()[0].split(",")
    assert store.remembered_recipe(headers) is None
    store.remember_recipe(headers, read_recipe(recipe_path).to_toml())
    store.close()
    store = Store(tmp_path / "store.duckdb")  # kept across restarts and loads
    store.load_recipe(read_recipe(recipe_path))
    text, _ = store.remembered_recipe([h.upper() for h in headers])
    assert parse_recipe(text, wide.parent, "month.toml") == read_recipe(recipe_path)
    assert store.remembered_recipe(headers[:-1]) is None
    store.close()


def test_the_driver_preview_counts_as_the_load_does(wide):
    from data.preview import LinesPreview

    preview = LinesPreview(wide, "order_lines.csv", LINES)
    try:
        assert preview.rows == 6
        values = preview.values("Ship Mode")
        assert values.to_dict("records") == [
            {"value": "First Class", "lines": 2}, {"value": "Standard Class", "lines": 2},
            {"value": "Same Day", "lines": 1}, {"value": "standard class", "lines": 1}]
        table, top = preview.preview(DRIVERS, RESOURCES, top=2)
        counts = dict(zip(table["activity"], table["count"], strict=True))
        assert counts == {"Order handling": 5, "Order lines": 6, "Units picked": 16,
                          "Expedited order": 2, "Return": 1, "Standard shipment": 3,
                          "Deep discount line": 1}
        assert table.set_index("activity").loc["Order handling", "cost"] == pytest.approx(15.0)
        assert top["customer_id"].tolist() == ["A", "B"]
        assert top["cost_to_serve"].tolist() == [77.8, 66.2]
    finally:
        preview.close()


def test_a_recipe_naming_a_missing_file_is_refused_by_key(wide):
    recipe_path = wide.parent / "month.toml"
    recipe_path.write_text(RECIPE.replace('file = "order_lines.csv"\ndate_format',
                                          'file = "nofile.csv"\ndate_format'))
    with pytest.raises(DatasetError) as error:
        read_recipe(recipe_path)
    assert str(error.value).startswith(
        'month.toml, transactions.file: "nofile.csv" no such file (looked for ')


def test_the_preview_matches_headers_as_the_load_does_and_names_refused_drivers(wide):
    from data.preview import LinesPreview

    preview = LinesPreview(wide, "order_lines.csv",
                           {k: v for k, v in LINES.items() if k != "order_id"})
    try:
        lower = Driver("Same day", "line", (Condition("ship mode", ("Same Day",)),),
                       cost_per_unit=1.0)
        gone = Driver("Gone", "line", (Condition("Prio", ("1",)),), cost_per_unit=1.0)
        orders = Driver("Orders", "order", cost_per_unit=1.0)
        assert preview.missing(lower) is None
        assert preview.missing(gone).startswith('column "Prio" is not in the file')
        assert preview.missing(orders) == "counts orders, but no column is mapped as order_id"
        table, _ = preview.preview((lower, gone, orders), ())
        assert table["activity"].tolist() == ["Same day"]
        assert table["count"].tolist() == [1]
    finally:
        preview.close()


def test_the_date_preview_decides_as_the_load_does():
    from data.dates import guess_date_format

    assert guess_date_format(["03/04/2024"], ",") == ("mdy_slash", False)
    assert guess_date_format(["03/04/2024"], ";") == ("dmy_slash", False)
    assert guess_date_format(["03/04/19", "25/04/19"], ",") == ("dmy_slash_yy", True)
