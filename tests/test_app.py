"""AppTest through app.py: the frame starts on the sample data and shows its figures."""

import datetime as dt

from streamlit.testing.v1 import AppTest

from tests.conftest import charts

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
    assert "segments: Demanding" in app.caption[0].value.replace("\\", "").replace("\u2060", "")
    app.switch_page("pages/cost-to-serve.py").run()
    assert not app.exception
    assert "segments: Demanding" in app.caption[0].value.replace("\\", "").replace("\u2060", "")


def test_period_from_the_url(app_env):
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["start"] = "2024-01-01"
    app.query_params["end"] = "2024-06-30"
    app.run()
    assert not app.exception
    assert app.sidebar.date_input(key="f_period").value == (
        dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert "2024-01-01 to 2024-06-30" in app.caption[0].value.replace("\\", "")
