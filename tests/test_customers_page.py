"""AppTest of the Customers page through app.py: map, tables, thresholds, detail, safety."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.ranking import rank_customers
from tests.conftest import app_on, charts

PAGE = "pages/customers.py"
ACME = "<b>Acme</b>"
TINY = {
    "transactions": (
        "customer_id,date,order_id,net_revenue,list_revenue,cogs\n"
        "C1,2024-01-10,O1,1000.00,1100.00,600.00\n"
        "C1,2024-02-10,O2,500.00,500.00,300.00\n"
        "C2,2024-01-15,O3,200.00,250.00,150.00\n"
        "C3,2024-03-01,O4,300.00,300.00,100.00\n"
        "C4,2024-03-05,O5,-20.00,-25.00,-15.00\n"
    ),
    "activities": (
        "customer_id,activity,quantity,date\n"
        "C1,Order,2,2024-01-10\nC1,Complaint,1,2024-02-10\n"
        "C2,Order,2,2024-01-15\nC4,Complaint,1,2024-03-05\n"
    ),
    "rates": "activity,resource,unit_time\nOrder,Customer service,40\n"
             "Complaint,Customer service,220\n",
    "resources": "resource,cost,capacity\nCustomer service,1600,2000\n",
    "customers": (
        "customer_id,name,segment,region\n"
        f"C1,{ACME},Premium service,North\n"
        "C2,*Bolt* [x](http://example.com),Price-driven,South\n"
        "C3,Quiet,Price-driven,North\nC4,Loss,Price-driven,South\n"
    ),
}


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory) -> Path:
    """A store holding four customers, one named <b>Acme</b>, one without activity."""
    from data import Store

    root = tmp_path_factory.mktemp("tiny")
    folder = root / "dataset"
    folder.mkdir()
    for table, text in TINY.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    store = Store(root / "tiny.duckdb")
    store.load_folder(folder)
    store.close()
    return root / "tiny.duckdb"


@pytest.fixture
def tiny_env(tiny_db, monkeypatch):
    with app_on(tiny_db, monkeypatch):
        yield tiny_db


def open_page(**params: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, app.exception
    return app


def subheaders(app: AppTest) -> list[str]:
    return [s.value for s in app.subheader]


def quadrant_counts(app: AppTest) -> list[int]:
    return app.dataframe[0].value["Customers"].tolist()


def test_sample_page_shows_map_quadrants_and_customers(app_env):
    app = open_page()
    assert app.title[0].value == "Customers"
    assert subheaders(app)[:4] == ["Net margin versus cost to serve", "Quadrants",
                                   "All customers", "Customer detail"]
    assert len(charts(app)) == 1
    quadrants, customers = app.dataframe[0].value, app.dataframe[1].value
    assert quadrants["Quadrant"].tolist() == ["Passive", "Carriage trade", "Bargain basement",
                                              "Aggressive"]
    assert sum(quadrant_counts(app)) == len(customers) == 2000
    # The one ranking rule: whole cents, most profitable first, ties by customer id.
    assert customers.index[rank_customers(customers)].tolist() == customers.index.tolist()
    assert app.radio[0].value == "median"


def test_threshold_change_takes_effect_and_goes_to_the_url(app_env):
    app = open_page()
    medians = quadrant_counts(app)
    app.radio[0].set_value("mean").run()
    assert not app.exception
    assert quadrant_counts(app) != medians
    assert app.query_params["thresholds"] == "mean"
    assert any("Split at the means" in c.value for c in app.caption)
    quadrant_column = app.dataframe[1].value["quadrant"].value_counts()
    assert quadrant_column["Passive"] == quadrant_counts(app)[0]


def test_custom_thresholds_restore_from_the_url(tiny_env):
    app = open_page(thresholds="custom", margin="25", cts="15")
    assert app.radio[0].value == "custom"
    assert [n.value for n in app.number_input][:2] == [25.0, 15.0]
    assert any("custom thresholds: net margin 25.0% and cost to serve 15.0%" in c.value
               for c in app.caption)
    app.number_input[0].set_value(70.0).run()
    assert quadrant_counts(app)[:2] == [0, 0]  # nobody has a 70 % margin
    assert app.query_params["margin"] == "70"


def test_selecting_a_customer_opens_its_detail(tiny_env):
    app = open_page()
    assert "From list revenue to operating profit" not in subheaders(app)
    app.selectbox[0].select("C2").run()
    assert not app.exception
    assert "From list revenue to operating profit" in subheaders(app)
    assert "By month" in subheaders(app)
    assert app.session_state["customer"] == "C2"
    assert app.query_params["customer"] == "C2"
    assert len(charts(app)) == 4  # map, waterfall, usage, months


def test_customer_from_the_url_and_one_without_activity(tiny_env):
    app = open_page(customer="C3")
    assert app.selectbox[0].value == "C3"
    assert "From list revenue to operating profit" in subheaders(app)
    assert any("used no activity" in i.value for i in app.info)


def test_unplaceable_customers_are_counted_and_search_is_literal(tiny_env):
    app = open_page()
    assert any("1 customer without positive net revenue" in c.value for c in app.caption)
    assert len(app.dataframe[1].value) == 4
    app.text_input[0].input("acme").run()
    assert app.dataframe[1].value["customer_id"].tolist() == ["C1"]
    app.text_input[0].input("[x](").run()  # literal text, not a regex
    assert not app.exception
    assert app.dataframe[1].value["customer_id"].tolist() == ["C2"]
    app.text_input[0].input(".*").run()
    assert app.dataframe[1].value.empty


def test_customer_names_are_shown_literally(tiny_env):
    app = open_page(customer="C1")
    heading = next(s.value for s in app.subheader if "Acme" in s.value)
    assert heading == r"C1 · \<b\>Acme\</b\>"
    app.selectbox[0].select("C2").run()
    heading = next(s.value for s in app.subheader if "Bolt" in s.value)
    # Every Markdown character escaped, and an empty directive after ":" so no autolink
    # forms (no invisible character: the text copies as typed).
    assert heading == "C2 · \\*Bolt\\* \\[x\\]\\(http\\::small[]//example\\.com\\)"
    texts = [e.value for e in (*app.markdown, *app.subheader, *app.caption, *app.info)]
    assert not any(ACME in t or "*Bolt*" in t for t in texts)
    assert app.dataframe[1].value.set_index("customer_id").loc["C1", "name"] == ACME


def test_an_empty_selection_says_what_to_change(tiny_env):
    app = open_page(start="2024-02-11", end="2024-02-28")  # nothing happened then
    assert any("No customer has invoice lines or activity" in i.value for i in app.info)
    assert not charts(app)


def test_a_selection_without_revenue_cannot_be_mapped(tiny_env):
    app = open_page(start="2024-03-05")  # only C4, who was credited
    assert any("No customer in this selection has positive net revenue" in i.value
               for i in app.info)
    assert len(app.dataframe[1].value) == 1
