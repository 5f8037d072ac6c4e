"""Every number traceable (issue 10, item 6), on the store: where each activity's
quantities came from, the loaded lines' totals, a customer's cost-to-serve trace and the
reconciliations, by hand on a small dataset and as properties of the sample."""

import datetime as dt

import pytest

from analytics.analysis import analyse
from analytics.customer_detail import cost_trace
from analytics.money import to_cents
from analytics.reconcile import resource_reconciliation, totals_reconciliation
from data import Store
from data.drivers import Condition, Driver
from data.recipe import LoadOptions

# 100 days of data (2024-01-01 to 2024-04-09): January 1 to February 19 is half of it.
TRANSACTIONS = (
    "customer_id,date,order_id,net_revenue,list_revenue,cogs,doc_type\n"
    "A,2024-01-01,O1,1000.00,1100.00,600.00,INV\n"
    "A,2024-02-10,O2,-100.00,-100.00,-60.00,RET\n"
    "B,2024-03-01,O3,400.00,400.00,250.00,INV\n"
    "B,2024-03-05,O4,-50.00,-50.00,-30.00,CRN\n"
    "D,2024-04-09,O5,80.00,80.00,40.00,INV\n"
)
CUSTOMERS = "customer_id,name,segment,region\nA,Acme,Corp,North\nB,Bolt,Home,South\n"
# Visits carry no date: a period counts them by its share of the data's span.
ACTIVITIES = (
    "customer_id,activity,quantity,date\n"
    "A,Order,2,2024-01-01\nA,Visit,4,\nB,Order,1,2024-03-01\nB,Visit,2,\n"
    "D,Order,1,2024-04-09\n"
)
RATES = "activity,cost_per_unit,resource,unit_time\nOrder,,Service,40\nVisit,,Field,3\n"
RESOURCES = "resource,cost,capacity\nService,560,700\nField,900,300\n"
RETURNS = Driver("Returns", "line", (Condition("doc_type", ("RET", "CRN")),),
                 resource="Service", unit_time=20)
HALF = {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 2, 19)}


@pytest.fixture
def store(tmp_path):
    files = {}
    for table, text in (("transactions", TRANSACTIONS), ("customers", CUSTOMERS),
                        ("activities", ACTIVITIES), ("rates", RATES),
                        ("resources", RESOURCES)):
        files[table] = tmp_path / f"{table}.csv"
        files[table].write_text(text, encoding="utf-8")
    store = Store(":memory:")
    store.load_files(files, source="Recipe: acme",
                     options=LoadOptions(drivers=(RETURNS,), origin="acme"))
    yield store
    store.close()


def analysis_of(store, **selection):
    base = store.customer_base(**selection)
    result = analyse(base.customers, base.volumes, base.rates, base.resources,
                     period_fraction=base.period_fraction, capacity_volume=base.period_volume)
    return base, result


def test_the_load_records_where_each_activity_comes_from(store):
    sources = store.activity_sources().set_index("activity")
    assert sources.index.tolist() == ["Order", "Returns", "Visit"]
    assert sources.loc["Order", ["kind", "file"]].tolist() == ["file", "activities.csv"]
    assert sources.loc["Returns"].to_dict() == {
        "kind": "driver", "file": "transactions.csv", "origin": "recipe acme", "per": "line",
        "condition": "doc_type is RET or CRN", "counted": "lines where doc_type is RET or CRN"}


def test_a_new_load_replaces_the_sources(store, tmp_path):
    folder = tmp_path / "again"
    folder.mkdir()
    for table, text in (("transactions", TRANSACTIONS), ("activities", ACTIVITIES),
                        ("rates", RATES), ("resources", RESOURCES)):
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    store.load_folder(folder)
    sources = store.activity_sources()
    assert sources["activity"].tolist() == ["Order", "Visit"]
    assert set(sources["kind"]) == {"file"}


def test_line_totals_are_summed_from_the_lines_in_the_period(store):
    assert store.line_totals() == {"invoice_lines": 5, "customers": 3, "list_revenue": 1430.0,
                                   "net_revenue": 1330.0, "cogs": 800.0}
    half = store.line_totals(**HALF)
    assert (half["invoice_lines"], half["net_revenue"], half["cogs"]) == (2, 900.0, 540.0)


def test_trace_of_a_customer_by_hand_over_half_the_period(store):
    """A over January 1 to February 19 (half the span): 2 orders x 40 min x $0.80 = $64;
    its 4 undated visits count 2, x 3 units x $3.00 = $18; 1 return line x 20 min x $0.80
    = $16. Cost to serve $98."""
    base, result = analysis_of(store, **HALF)
    assert base.period_fraction == 0.5
    trace = cost_trace(base.volumes.loc["A"], result.rate_table, base.resources,
                       store.activity_sources())
    assert trace[["activity", "quantity", "rate", "cost"]].values.tolist() == [
        ["Order", 2.0, 32.0, 64.0], ["Visit", 2.0, 9.0, 18.0], ["Returns", 1.0, 16.0, 16.0]]
    assert trace["cost"].sum() == result.pnl.loc["A", "cost_to_serve"] == 98.0
    returns = trace.set_index("activity").loc["Returns"]
    assert returns["source"] == ("driver 'Returns' (recipe acme): lines where doc_type is RET "
                                 "or CRN, in transactions.csv")
    assert returns["rate_basis"] == "20 × $0.8000 (Service)"
    assert returns["capacity_basis"] == "$0.8000 = $560.00 / 700"
    assert trace.set_index("activity").loc["Order", "source"] == "file activities.csv"


@pytest.mark.parametrize("selection", [{}, HALF, {**HALF, "segments": ["Corp"]}],
                         ids=["whole", "half", "half-corp"])
def test_reconciliations_by_hand(store, selection):
    """Service (0.80 a minute), Field (3.00 a unit); over the half period: cost 280 =
    80 assigned (A's orders 64 and return 16) + 200 unused (250 min); Field 450 = 27 (A
    18, B 9: undated visits at half) + 423 unused (141 units). Whole period: Service 560
    = 160 (orders 4 x 32, returns 2 x 16) + 400; Field 900 = 54 + 846."""
    period = {k: v for k, v in selection.items() if k in ("start", "end")}
    base, result = analysis_of(store, **period)
    chosen = (analysis_of(store, **selection)[1].pnl.index if "segments" in selection
              else None)
    table = resource_reconciliation(result.capacity, result.rate_table, result.pnl,
                                    base.volumes, chosen).set_index("resource")
    expected = {
        "whole": {"Service": (560, 160, 0, 400), "Field": (900, 54, 0, 846)},
        "half": {"Service": (280, 80, 0, 200), "Field": (450, 27, 0, 423)},
        "half-corp": {"Service": (280, 80, 0, 200), "Field": (450, 18, 9, 423)},
    }["half-corp" if "segments" in selection else "half" if period else "whole"]
    for resource, (cost, assigned, outside, unused) in expected.items():
        row = table.loc[resource]
        assert (row["cost"], row["assigned"], row["assigned_outside"],
                row["unused_cost"]) == (cost, assigned, outside, unused)
        assert row["difference"] == 0 and row["rounding"] == 0 and row["reconciles"]
    totals = totals_reconciliation(store.line_totals(**period), base.customers,
                                   chosen).set_index("measure")
    assert totals["difference"].tolist() == [0.0, 0.0, 0.0]
    assert totals.loc["Net revenue", "lines"] == (900.0 if period else 1330.0)
    if chosen is not None:  # B, and D without master data, are outside the Corp segment
        assert totals.loc["Net revenue", ["customers", "customers_outside"]].tolist() == [
            900.0, 0.0]


def test_a_resource_whose_used_capacity_is_not_charged_does_not_reconcile(store):
    """Capacity measured on more volume than the customers were charged for (an undated
    row counted in full while customers get half, say) shows as a difference."""
    base, result = analysis_of(store, **HALF)
    volumes = base.volumes.copy()
    volumes.loc["B", "Visit"] = 0.0  # B's visit charged to nobody: 3 units x $3.00
    table = resource_reconciliation(result.capacity, result.rate_table,
                                    result.pnl.assign(cts_Visit=lambda f: f["cts_Visit"]
                                                      .where(f.index != "B", 0.0)),
                                    volumes).set_index("resource")
    assert table.loc["Field", "difference"] == 9.0
    assert not table.loc["Field", "reconciles"]
    assert table.loc["Service", "reconciles"]


@pytest.fixture(scope="module")
def sample():
    store = Store(":memory:")
    store.load_sample()
    yield store
    store.close()


@pytest.mark.parametrize("selection", [
    {}, {"start": dt.date(2023, 4, 1), "end": dt.date(2023, 6, 30)},
    {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31),
     "segments": ["Premium service"]},
], ids=["whole", "quarter", "year-segment"])
def test_sample_every_trace_and_every_resource_reconciles(sample, selection):
    period = {k: v for k, v in selection.items() if k in ("start", "end")}
    base, whole = analysis_of(sample, **period)
    chosen_base, chosen = analysis_of(sample, **selection)
    sources = sample.activity_sources()
    for customer in chosen.pnl.index:
        trace = cost_trace(chosen_base.volumes.loc[customer], chosen.rate_table,
                           chosen_base.resources, sources)
        assert int(to_cents(trace["cost"].to_numpy()).sum()) == to_cents(
            chosen.pnl.loc[customer, "cost_to_serve"]), customer
        assert trace["source"].eq("file activities.csv").all()
    selected = chosen.pnl.index if "segments" in selection else None
    table = resource_reconciliation(whole.capacity, whole.rate_table, whole.pnl,
                                    base.volumes, selected)
    assert len(table) == 4 and table["reconciles"].all(), table
    assert (table["difference"] == 0).all()
    cents = to_cents(table[["assigned", "assigned_outside", "unused_cost", "rounding"]]
                     .to_numpy()).sum(axis=1)
    assert (cents == to_cents(table["cost"].to_numpy())).all()
    # Rounding each customer's amount to the cent moves a resource by cents, not dollars.
    assert (table["rounding"].abs() <= table["amounts"] * 0.005 + 0.02).all()
    totals = totals_reconciliation(sample.line_totals(**period), base.customers, selected)
    assert totals["reconciles"].all() and (totals["difference"] == 0).all()
    if selected is not None:
        assert (totals["customers_outside"] > 0).all()
