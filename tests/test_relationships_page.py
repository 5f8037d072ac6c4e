"""AppTest of the Relationships page: on the sample (every view, figures from the
analytics) and on invoice lines alone (each view says what is missing)."""

import os

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics import analyse
from analytics.relationships import build_portfolio
from analytics.relationships.periods import portfolio_periods
from tests.conftest import app_on, store_with
from tests.page_text import as_read


def shown(markdown: str) -> str:
    """Markdown written with md_escape, as it reads on the page."""
    return as_read(markdown)


TABS = ["Buyer types", "Loyalty ladder", "Relationship spectrum", "Share of wallet",
        "Cohorts"]


def open_page(tab: str | None = None) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.switch_page("pages/relationships.py")
    app.run()
    return visit(app, tab) if tab else app


def visit(app: AppTest, tab: str) -> AppTest:
    """Open a tab (only the open tab is drawn: the page's tabs rerun on a change)."""
    app.session_state["rel_tab"] = tab
    app.run()
    assert not app.exception
    return app


def every_tab(app: AppTest) -> dict[str, list[str]]:
    """What every tab says: its info notes, captions and markdown, tab by tab."""
    said = {"info": [], "caption": [], "markdown": []}
    for tab in TABS:
        visit(app, tab)
        for kind in said:
            said[kind] += [shown(e.value) for e in getattr(app, kind)]
    return said


def sample_portfolio(win_cost_pct=10.0):
    """The sample's portfolio straight from the store and analytics, as the CLI builds it."""
    from data import Store

    store = Store(os.environ["PROFITLENS_DB"])
    try:
        info = store.info()
        spans = portfolio_periods(info.first_date, info.last_date)

        def pnl(start=None, end=None):
            base = store.customer_base(start, end)
            return base, analyse(base.customers, base.volumes, base.rates, base.resources,
                                 period_fraction=base.period_fraction,
                                 capacity_volume=base.period_volume).pnl

        base, today = pnl()
        yearly = pd.concat([pnl(first, last)[1].reset_index().assign(year=year)
                            for year, first, last in spans.year_periods])
        revenue = [None if w is None else store.customer_base(*w).customers["net_revenue"]
                   for w in (spans.last12, spans.prior12)]
        return build_portfolio(
            today, base.customers, base.rates, store.customer_years(), store.first_purchase(),
            store.price_index(), yearly=yearly, revenue_last12=revenue[0],
            revenue_prior12=revenue[1], years=spans.years, period_end=spans.end,
            win_cost_pct=win_cost_pct)
    finally:
        store.close()


def test_page_on_the_sample(app_env):
    app = open_page()
    assert not app.exception
    assert app.title[0].value == "Relationships"
    assert [t.label for t in app.tabs] == TABS
    expected = sample_portfolio()
    # Only the open tab is drawn.
    assert [h.value for h in app.subheader] == ["Four kinds of buyers"]
    groups = app.dataframe[0].value
    assert groups["customers"].tolist() == expected.buyers.groups["customers"].tolist()
    ladder = visit(app, "Loyalty ladder").table[0].value
    assert ladder["Customers"].tolist() == [f"{n:,}" for n in expected.ladder["customers"]]
    visit(app, "Relationship spectrum")
    cards = {m.label: m.value for m in app.metric}
    counts = expected.customers["relationship"].value_counts()
    assert cards["Transactional"] == f"{counts['transactional']:,}"
    assert cards["Types inferred"] == f"{int(expected.customers['relationship_inferred'].sum()):,}"
    overdesigned = app.dataframe[0].value
    assert overdesigned["customer_id"].tolist() == expected.overdesigned["customer_id"].tolist()
    growth = visit(app, "Share of wallet").dataframe[0].value
    assert growth["customer_id"].tolist() == expected.growth["customer_id"].tolist()
    ages = visit(app, "Cohorts").dataframe[0].value
    assert len(ages) == len(expected.ages)
    # The sample has every optional column: no view says something is missing.
    assert not every_tab(app)["info"]


def test_rung_cost_gives_the_return_on_effort(app_env):
    app = open_page("Loyalty ladder")
    app.number_input(key="rel_rung_cost").set_value(500.0).run()
    assert not app.exception
    ladder = app.table[0].value
    # The bottom rung has no return (a dash, never "None"); the others a percentage.
    returns = ladder["Return on relationship effort"]
    assert returns.iloc[0] == "–"
    assert returns.iloc[1:].str.endswith("%").all()
    app.multiselect(key="rel_ladder").set_value(["repurchases", "refers", "pays_premium"]).run()
    assert app.table[0].value["Evidence"].tolist() == ["Not on the ladder", "Repurchases",
                                                       "Gives word of mouth", "Pays premiums"]


def test_page_on_invoice_lines_alone_says_what_is_missing(tmp_path, monkeypatch):
    lines = ("customer_id,date,net_revenue\nC1,2023-01-10,1000.00\nC1,2024-02-10,500.00\n"
             "C2,2024-03-01,200.00\nC3,2024-12-30,50.00\n")
    with app_on(store_with(tmp_path / "bare.duckdb", {"transactions": lines}), monkeypatch):
        app = open_page()
        assert not app.exception
        everything = every_tab(app)
        said = " ".join(everything["info"])
        for column in ("referrals", "co_development", "invests", "product_id",
                       "relationship", "wallet"):
            assert column in said, column
        # The cohorts still come from the first invoice lines.
        assert any("first invoice line for 3" in c for c in everything["caption"])


def test_cost_of_winning_lowers_every_growth_prospect(app_env):
    app = open_page("Share of wallet")
    before = app.dataframe[0].value.set_index("customer_id")["growth_prospect"]
    app.number_input(key="rel_win_cost").set_value(25.0).run()
    assert not app.exception
    after = app.dataframe[0].value.set_index("customer_id")["growth_prospect"]
    expected = sample_portfolio(win_cost_pct=25.0).growth
    assert after.index.tolist() == expected["customer_id"].tolist()
    assert after.tolist() == expected["growth_prospect"].tolist()
    common = before.index.intersection(after.index)
    headroom = expected.set_index("customer_id")["headroom"][common] > 0
    assert (after[common][headroom] < before[common][headroom]).all()
    assert (after[common][~headroom] == before[common][~headroom]).all()


def test_an_empty_ladder_says_what_to_do(app_env):
    app = open_page("Loyalty ladder")
    app.multiselect(key="rel_ladder").set_value([]).run()
    assert not app.exception
    assert "Pick at least one rung" in " ".join(shown(i.value) for i in app.info)


def test_the_notes_name_file_and_recipe_key_on_invoice_lines_alone(tmp_path, monkeypatch):
    lines = ("customer_id,date,net_revenue\nC1,2023-01-10,1000.00\nC1,2024-02-10,500.00\n"
             "C2,2024-03-01,200.00\n")
    with app_on(store_with(tmp_path / "bare.duckdb", {"transactions": lines}), monkeypatch):
        everything = every_tab(open_page())
        said = everything["info"]
        assert ("Gives word of mouth (refers) is skipped: add the column referrals in the "
                "customers file (recipe key [customers.columns] referrals).") in said
        assert any(s.startswith("Share of wallet and growth prospects need the column "
                                "wallet in the customers file") for s in said)
        assert any("relationship = true on a recipe driver" in s for s in said)
        # Without cost to serve the relationship ages are not compared on it.
        assert any(m.startswith("No cost to serve is loaded")
                   for m in everything["markdown"])


def test_a_period_under_a_year_says_what_it_lacks(app_env):
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params["start"] = "2024-06-01"
    app.switch_page("pages/relationships.py")
    app.run()
    assert not app.exception
    said = every_tab(app)["info"]
    # The sample has a wallet column: only the period is missing, and said so.
    assert ("Share of wallet and growth prospects need a period of at least 12 months "
            "(widen it in the sidebar).") in said
    for rung in ("repurchases", "grows", "stays"):
        assert any(f"({rung}) is skipped" in s and "widen the period" in s for s in said)
    assert not any("refers" in s or "wallet in the customers file" in s for s in said)


def test_the_sample_s_planted_overdesigned_relationships_are_found(app_env):
    """The sample serves a few large transactional customers as collaborative ones
    (data/sample.py): the rule finds most of them, and flags few others (customers whose
    inferred type is wrong, said so in the list's type column)."""
    from data.sample import _frames, _simulate

    raw = _simulate(2000, 7, 3, "2022-01-01")
    ids = _frames(raw)["customers"]["customer_id"].astype(str)
    planted = set(ids[raw.customers.overdesigned])
    flagged = sample_portfolio().overdesigned
    found = planted & set(flagged["customer_id"])
    assert len(planted) == 27 and len(found) >= 24
    assert len(flagged) <= 2.5 * len(planted)
    stated_others = flagged[~flagged["customer_id"].isin(planted)
                            & (flagged["type_source"] == "stated")]
    assert len(stated_others) <= 10


def test_the_inputs_survive_a_tab_change(app_env):
    """Only the open tab is drawn; the inputs of the others are kept."""
    app = open_page("Loyalty ladder")
    app.number_input(key="rel_rung_cost").set_value(500.0).run()
    app.multiselect(key="rel_ladder").set_value(["refers", "repurchases"]).run()
    visit(app, "Share of wallet").number_input(key="rel_win_cost").set_value(30.0).run()
    visit(app, "Buyer types").toggle(key="rel_buyer_log").set_value(False).run()
    visit(app, "Cohorts")
    visit(app, "Loyalty ladder")
    assert app.number_input(key="rel_rung_cost").value == 500.0
    assert app.multiselect(key="rel_ladder").value == ["refers", "repurchases"]
    assert visit(app, "Share of wallet").number_input(key="rel_win_cost").value == 30.0
    assert not visit(app, "Buyer types").toggle(key="rel_buyer_log").value


def test_the_inputs_survive_a_visit_to_another_page(app_env):
    app = open_page("Loyalty ladder")
    app.number_input(key="rel_rung_cost").set_value(2500.0).run()
    app.switch_page("pages/customers.py").run()
    assert not app.exception
    app.switch_page("pages/relationships.py").run()
    assert visit(app, "Loyalty ladder").number_input(key="rel_rung_cost").value == 2500.0
