"""AppTest of the Cost to serve page."""

from streamlit.testing.v1 import AppTest

from tests.conftest import charts


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
    assert subheaders[:4] == ["Capacity by resource", "Cost to serve by activity",
                              "Activity cost by segment", "Activity cost by region"]
    assert "Rate card" in subheaders
    drawn = charts(app)
    assert len(drawn) == 4
    # The sample's six regions are the rows of the region heatmap.
    assert len(drawn[3]["figure"]["data"][0]["y"]) == 6


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
        return [i.value.replace("\\", "").replace("\u2060", "") for i in app.info
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
