"""AppTest of the Cost to serve page."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import charts
from tests.page_text import as_read


def open_page(path: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.switch_page(path)
    app.run()
    return app


def test_cost_page_shows_capacity_activities_and_rate_card(app_env):
    app = open_page("pages/cost-to-serve.py")
    assert not app.exception
    assert app.title[0].value == "Cost to serve"
    labels = [m.label for m in app.metric]
    assert labels == ["Cost to serve", "Share of net revenue", "Unused capacity",
                      "Most costly activity"]
    subheaders = [s.value for s in app.subheader]
    assert subheaders[:5] == ["Capacity by resource", "Utilisation over time",
                              "Cost to serve by activity", "Activity cost by segment",
                              "Activity cost by region"]
    assert "Rate card" in subheaders
    drawn = charts(app)
    assert len(drawn) == 5
    # The sample's six regions are the rows of the region heatmap.
    assert len(drawn[4]["figure"]["data"][0]["y"]) == 6


def cost_to_serve(app: AppTest) -> str:
    return next(m.value for m in app.metric if m.label == "Cost to serve")


def test_saved_rate_card_changes_every_page(app_env):
    from data import Store

    before = (cost_to_serve(open_page("pages/cost-to-serve.py")),
              cost_to_serve(open_page("pages/overview.py")))
    store = Store(app_env)
    rates, resources = store.rate_card()
    try:
        store.replace_rate_card(rates, resources.assign(cost=resources["cost"] * 2))
        after = (cost_to_serve(open_page("pages/cost-to-serve.py")),
                 cost_to_serve(open_page("pages/overview.py")))
    finally:
        store.replace_rate_card(rates, resources)
        store.close()
    assert before[0] == before[1]
    assert after[0] == after[1] != before[0]


def test_a_rate_nobody_uses_is_named_after_saving_and_stays(thin_env):
    """A rate card with 'Freight' on invoice lines alone: the page says nobody uses it,
    right after a save and on every later run while that is true."""
    import pandas as pd

    from data import Store

    store = Store(thin_env)
    store.replace_rate_card(
        pd.DataFrame({"activity": ["Freight"], "cost_per_unit": [12.5], "resource": [None],
                      "unit_time": [None]}),
        pd.DataFrame(columns=["resource", "cost", "capacity"]),
    )
    store.close()
    hint = ("No customer uses 'Freight' yet: add it in an activities file, or count it "
            "from your invoice lines as a cost driver on the Data page.")

    def hints(app: AppTest) -> list[str]:
        return [as_read(i.value) for i in app.info
                if "No customer uses" in i.value]

    app = open_page("pages/cost-to-serve.py")
    assert not app.exception
    assert hints(app) == [hint]
    next(b for b in app.button if b.label == "Save rate card").click().run()  # unchanged
    assert not app.exception
    assert [s.value for s in app.success] == [
        "Rate card saved: every page now uses the new costs."]
    assert hints(app) == [hint]
    app.run()
    assert not app.success
    assert hints(app) == [hint]


def reconciliation_tables(app: AppTest):
    tables = [d.value for d in app.dataframe if "check" in d.value.columns]
    assert len(tables) == 2, [list(d.value.columns) for d in app.dataframe]
    return tables


def test_reconciliation_of_every_resource_and_the_loaded_totals(app_env):
    """The sample: each of the 4 resources' cost = assigned + unused (+ the cents that
    rounding each customer's amount moved), difference 0.00; revenue and COGS equal the
    loaded lines' sums."""
    app = open_page("pages/cost-to-serve.py")
    assert not app.exception
    assert "Reconciliation: every total traced to its source" in [s.value for s in
                                                                  app.subheader]
    resources, totals = reconciliation_tables(app)
    assert resources["resource"].tolist() == ["Customer service", "Logistics",
                                              "Technical support", "Field sales"]
    assert (resources["difference"] == 0).all() and (resources["check"] == "✓").all()
    parts = resources[["assigned", "unused_cost", "rounding"]].sum(axis=1)
    assert (parts - resources["cost"]).abs().max() < 0.005
    unused = next(m.value for m in app.metric if m.label == "Unused capacity")
    assert unused == "$5.6M"  # the KPI is the table's unused capacity
    assert resources["unused_cost"].sum() == pytest.approx(5_608_325, abs=1)
    assert totals["measure"].tolist() == ["List revenue", "Net revenue", "COGS"]
    assert totals.set_index("measure").loc["Net revenue", "lines"] == 154_191_053.41
    assert (totals["difference"] == 0).all() and (totals["check"] == "✓").all()
    assert any("303,605 invoice lines in the period; the customer table counts 303,605"
               in c.value for c in app.caption)
    assert any("Every resource and every revenue and COGS total reconciles to the cent"
               in m.value for m in app.markdown)


def test_reconciliation_under_a_quarter_and_a_segment(app_env):
    """Under a segment filter the customers it leaves out are their own column, so the
    resource and the lines still add up; the period prorates capacity and undated rows."""
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params.update({"start": "2023-04-01", "end": "2023-06-30",
                             "segment": "Premium service"})
    app.switch_page("pages/cost-to-serve.py")
    app.run()
    assert not app.exception
    resources, totals = reconciliation_tables(app)
    assert "assigned_outside" in resources.columns
    assert (resources["assigned_outside"] > 0).all()
    assert (resources["difference"] == 0).all() and (resources["check"] == "✓").all()
    assert totals.set_index("measure").loc["Net revenue", "lines"] == 12_874_397.15
    assert (totals["difference"] == 0).all() and (totals["check"] == "✓").all()
    selection = totals["customers"] + totals["customers_outside"]
    assert (selection - totals["lines"]).abs().max() < 0.005


def test_saving_the_rate_card_keeps_its_relationship_flags(private_app):
    """The editor shows the rates' relationship flag (a checkbox); saving writes it back."""
    from data import Store

    app = open_page("pages/cost-to-serve.py")
    assert not app.exception
    next(b for b in app.button if b.label == "Save rate card").click().run()
    assert not app.exception and app.success
    store = Store(private_app)
    rates, _ = store.rate_card()
    store.close()
    assert set(rates.loc[rates["relationship"], "activity"]) == {
        "Account management", "Joint development"}
    assert (~rates["relationship"]).sum() == 19
