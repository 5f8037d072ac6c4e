"""AppTest through app.py: the frame starts on the sample data and shows its figures."""

import ast
import datetime as dt

from streamlit.testing.v1 import AppTest

from analytics.thin_data import NO_COGS, NO_COST_TO_SERVE
from tests.conftest import ROOT, app_on, charts, store_with
from tests.page_text import as_read

ANALYSIS_PAGES = ["pages/overview.py", "pages/customers.py", "pages/cost-to-serve.py",
                  "pages/pricing.py", "pages/exit.py", "pages/relationships.py"]
KPI_LABELS = ["Customers", "Net revenue", "Net margin", "Cost to serve", "Operating profit",
              "Unused capacity"]


def run_app() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    return app


def test_overview_shows_kpis_and_whale_curve(app_env):
    app = run_app()
    assert not app.exception
    assert [m.label for m in app.metric] == KPI_LABELS
    assert app.metric[0].value == "2,000"
    assert app.title[0].value == "Customer profitability"
    assert charts(app)
    sentences = [t.value for t in app.text]
    assert any("customers" in s and "unprofitable" in s for s in sentences)


def test_first_run_loads_the_sample_into_an_empty_store(tmp_path, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("PROFITLENS_DB", str(tmp_path / "new.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    app = run_app()
    assert not app.exception
    assert app.metric[0].value == "2,000"
    assert "Embedded sample dataset" in app.caption[0].value
    st.cache_resource.clear()


def test_filter_change_takes_effect_on_every_page(app_env):
    """A segment filter (here from the URL; the browser suite drives the widget) changes
    the figures on every page."""
    everyone = run_app().metric[0].value
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["segment"] = "Demanding"
    app.run()
    assert not app.exception
    demanding = int(app.metric[0].value.replace(",", ""))
    assert 0 < demanding < int(everyone.replace(",", ""))
    assert app.sidebar.multiselect(key="f_segments").value == ["Demanding"]
    assert "segments: Demanding" in as_read(app.caption[0].value)
    app.switch_page("pages/cost-to-serve.py").run()
    assert not app.exception
    assert "segments: Demanding" in as_read(app.caption[0].value)


def test_period_from_the_url(app_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["start"] = "2024-01-01"
    app.query_params["end"] = "2024-06-30"
    app.run()
    assert not app.exception
    assert app.sidebar.date_input(key="f_period").value == (
        dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert "2024-01-01 to 2024-06-30" in app.caption[0].value.replace("\\", "")


def shown(elements) -> list[str]:
    """Texts as a person reads them: as md_escape wrote them, without its escapes."""
    return [as_read(e.value) for e in elements]


def data_links(app: AppTest) -> list[str]:
    return [link.proto.label for link in app.get("page_link") if link.proto.page == "data"]


def element_types(node) -> list[str]:
    """The page's elements in the order drawn (depth first through columns and
    containers)."""
    children = getattr(node, "children", None)
    if children is None:
        return [node.type]
    return [t for key in sorted(children) for t in element_types(children[key])]


def test_thin_data_is_named_on_every_analysis_page(thin_env):
    """Invoice lines alone: every analysis page says, above its figures, that there is no
    cost to serve and no COGS, each with a link to the Data page."""
    app = run_app()
    for page in ANALYSIS_PAGES:
        if page != "pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, page
        assert shown(app.warning)[:2] == [NO_COST_TO_SERVE.message, NO_COGS.message], page
        assert data_links(app) == ["Count cost drivers", "Map a COGS column"], page
        assert not any("carry one date" in t for t in shown(app.info)), page
        drawn = element_types(app.main)
        assert drawn[:2] == ["title", "caption"], page
        assert drawn[2:6] == ["warning", "page_link", "warning", "page_link"], (page, drawn[:8])


def test_one_date_is_named(tmp_path, monkeypatch):
    lines = ("customer_id,date,net_revenue,cogs\nC1,2024-05-02,100.00,60.00\n"
             "C2,2024-05-02,50.00,20.00\n")
    activities = "customer_id,activity,quantity\nC1,Order,2\n"
    rates = "activity,cost_per_unit\nOrder,5\n"
    db = store_with(tmp_path / "one-date.duckdb",
                    {"transactions": lines, "activities": activities, "rates": rates})
    with app_on(db, monkeypatch):
        app = run_app()
        assert not app.exception
        assert not app.warning
        assert shown(app.info)[0] == (
            "All invoice lines carry one date (2024-05-02), so period filters and trends "
            "say nothing.")
        assert data_links(app) == ["Load dated invoice lines"]


def test_the_sample_has_no_thin_data_notices(app_env):
    app = run_app()
    for page in ANALYSIS_PAGES:
        if page != "pages/overview.py":
            app.switch_page(page).run()
        assert not app.exception, page
        assert not data_links(app), page
        notices = shown(app.warning) + shown(app.info)
        assert not any(n.startswith(("No cost to serve", "No cost of goods", "All invoice lines",
                                     "No customer uses")) for n in notices), page


def test_every_page_calls_the_guard_before_anything_else():
    """After its docstring and imports, each page script's first statement is
    ``page_guard()``; ``pages/ui/frame.py`` says why, the deep-link browser tests that it
    works."""
    scripts = sorted((ROOT / "pages").glob("*.py"))
    assert len(scripts) == 7
    for script in scripts:
        docstring, *body = ast.parse(script.read_text(encoding="utf-8")).body
        assert isinstance(docstring.value, ast.Constant), script.name
        first = next(node for node in body if not isinstance(node, ast.Import | ast.ImportFrom))
        assert ast.unparse(first) == "page_guard()", script.name


def test_an_unexpected_error_shows_one_sentence_and_an_id_never_a_traceback(
        app_env, monkeypatch, caplog):
    import analytics.whale

    def broken(*args, **kwargs):
        raise RuntimeError("secret server detail /srv/profitlens")

    monkeypatch.setattr(analytics.whale, "whale_curve", broken)
    monkeypatch.setattr("analytics.analysis.whale_curve", broken, raising=False)
    app = run_app()
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert error.startswith("Something went wrong on this page (error ")
    assert "/srv" not in error and "secret" not in error


def test_a_store_held_by_another_program_is_said_plainly(tmp_path, monkeypatch):
    import duckdb

    db = tmp_path / "held.duckdb"
    holder = duckdb.connect(str(db))  # another program writing to the store
    try:
        with app_on(db, monkeypatch):
            app = AppTest.from_file("../app.py", default_timeout=120)
            app.run()
            assert not app.exception
            (error,) = [e.value for e in app.error]
            assert error.startswith("The data store cannot be opened right now (error ")
            assert str(tmp_path) not in error
    finally:
        holder.close()


def test_the_overview_shows_profit_after_unused_capacity(app_env):
    app = run_app()
    unused = next(m for m in app.metric if m.label == "Unused capacity")
    assert unused.proto.delta.startswith("profit after it $")
    assert "Operating profit after the cost of unused capacity: $" in unused.proto.help
