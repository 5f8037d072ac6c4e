"""AppTest of a customer's cost-to-serve trace on the Customers page's detail: each
activity's driver quantity x rate, the rate down to the resource, the quantity's source."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import Store
from data.recipe import LoadOptions
from tests.conftest import app_on
from tests.data.test_traceability import (
    ACTIVITIES,
    CUSTOMERS,
    RATES,
    RESOURCES,
    RETURNS,
    TRANSACTIONS,
)
from tests.page_text import as_read

TITLE = "Where its cost to serve comes from"


@pytest.fixture(scope="module")
def traced_db(tmp_path_factory) -> Path:
    """The hand-built dataset: an activity file, and returns counted by a driver."""
    root = tmp_path_factory.mktemp("traced")
    files = {}
    for table, text in (("transactions", TRANSACTIONS), ("customers", CUSTOMERS),
                        ("activities", ACTIVITIES), ("rates", RATES),
                        ("resources", RESOURCES)):
        files[table] = root / f"{table}.csv"
        files[table].write_text(text, encoding="utf-8")
    store = Store(root / "traced.duckdb")
    store.load_files(files, source="Upload: transactions.csv",
                     options=LoadOptions(drivers=(RETURNS,), origin="Cost drivers"))
    store.close()
    return root / "traced.duckdb"


@pytest.fixture
def traced_env(traced_db, monkeypatch):
    with app_on(traced_db, monkeypatch):
        yield traced_db


def open_detail(**params: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("pages/customers.py")
    app.run()
    assert not app.exception, app.exception
    return app


def trace_table(app: AppTest):
    tables = [d.value for d in app.dataframe if "capacity_basis" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def test_the_trace_adds_up_and_names_each_source(traced_env):
    """A over the whole period: 2 orders x $32, 4 visits x $9, 1 return line x $16."""
    app = open_detail(customer="A")
    assert TITLE in [s.value for s in app.subheader]
    trace = trace_table(app)
    assert trace[["activity", "quantity", "rate", "cost"]].values.tolist() == [
        ["Order", 2.0, 32.0, 64.0], ["Visit", 4.0, 9.0, 36.0], ["Returns", 1.0, 16.0, 16.0]]
    by = trace.set_index("activity")
    assert by.loc["Returns", "source"] == (
        "driver 'Returns' (the Data page's cost drivers): lines where doc_type is RET or CRN,"
        " in transactions.csv")
    assert by.loc["Visit", "source"] == "file activities.csv"
    assert by.loc["Visit", "capacity_basis"] == "$3.0000 = $900.00 / 300"
    sentences = [m.value for m in app.markdown]
    assert any("The 3 activities add up to \\$116\\.00, its cost to serve to the cent"
               in s for s in sentences), sentences
    captions = [as_read(c.value) for c in app.caption]
    assert any("from driver 'Returns' (the Data page's cost drivers): lines where doc_type "
               "is RET or CRN, in transactions.csv (Returns)" in c for c in captions), captions
    assert [b.label for b in app.get("download_button")][-2:] == ["Download CSV",
                                                                  "Download Excel"]


def test_the_trace_under_half_the_period_prorates_undated_visits(traced_env):
    app = open_detail(customer="A", start="2024-01-01", end="2024-02-19")
    trace = trace_table(app)
    assert trace[["activity", "quantity", "cost"]].values.tolist() == [
        ["Order", 2.0, 64.0], ["Visit", 2.0, 18.0], ["Returns", 1.0, 16.0]]
    assert any("count for 50.0% of their quantity" in c.value.replace("\\", "")
               for c in app.caption)


def test_a_customer_without_master_data_or_activity(traced_env):
    app = open_detail(customer="D", start="2024-01-01", end="2024-02-19")
    assert not any("capacity_basis" in d.value.columns for d in app.dataframe)
    app = open_detail(customer="D")
    assert trace_table(app)["activity"].tolist() == ["Order"]


def test_the_sample_customer_trace_matches_its_cost_to_serve(app_env):
    app = open_detail(customer="C00001")
    trace = trace_table(app)
    assert len(trace) > 5
    assert (trace["source"] == "file activities.csv").all()
    cost = next(m for m in app.metric if m.label == "Cost to serve")
    assert f"Exactly ${trace['cost'].sum():,.2f}" in cost.help
