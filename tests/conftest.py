"""Shared fixtures: a database with the sample dataset, built once per test session."""

import json
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A store file holding the embedded sample dataset."""
    from data import Store

    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    store = Store(path)
    store.ensure_dataset()
    store.close()
    return path


@contextmanager
def app_on(db: Path, monkeypatch):
    """Point the app at the store ``db``, with empty Streamlit caches before and after."""
    import streamlit as st

    monkeypatch.setenv("PROFITLENS_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield db
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.fixture
def private_app(sample_db, tmp_path, monkeypatch):
    """The app on a private copy of the sample store, for tests that write to it."""
    path = tmp_path / "store.duckdb"
    shutil.copy(sample_db, path)
    with app_on(path, monkeypatch):
        yield path


THIN = "customer_id,date,net_revenue\nC1,2024-01-10,1000.00\nC1,2024-02-10,500.00\n" \
       "C2,2024-03-01,200.00\n"


def store_with(path: Path, tables: dict[str, str], source: str = "Thin test data") -> Path:
    """A store file at ``path`` loaded through ``Store.load_files`` from CSV texts
    (table -> text)."""
    from data import Store

    folder = path.parent / f"{path.stem}-files"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for table, text in tables.items():
        files[table] = folder / f"{table}.csv"
        files[table].write_text(text, encoding="utf-8")
    store = Store(path)
    store.load_files(files, source=source)
    store.close()
    return path


@pytest.fixture
def thin_env(tmp_path, monkeypatch):
    """The app on a private store of invoice lines alone (customer, date, net revenue):
    no activities, no rate card, no COGS."""
    with app_on(store_with(tmp_path / "thin.duckdb", {"transactions": THIN}), monkeypatch):
        yield tmp_path / "thin.duckdb"


@pytest.fixture
def app_env(sample_db, monkeypatch):
    """The app on the sample store."""
    with app_on(sample_db, monkeypatch):
        yield sample_db


def charts(app) -> list[dict]:
    """The Plotly figures an AppTest run drew with ``pages.ui.chart.show_chart``: the
    payload each chart component received (``figure``, ``config``, ``selectable``...)."""
    return [json.loads(element.proto.bytes) for element in app.get("bidi_component")
            if element.proto.component_name == "profitlens_chart"]
