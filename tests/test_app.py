"""AppTest through app.py: the frame starts on the sample data and shows its figures."""

from streamlit.testing.v1 import AppTest

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
    assert app.get("plotly_chart")
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
