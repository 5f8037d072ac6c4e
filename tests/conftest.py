"""Shared fixtures: a database with the sample dataset, built once per test session."""

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


@pytest.fixture
def app_env(sample_db, monkeypatch):
    """Point the app at the sample store and start with empty Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("PROFITLENS_DB", str(sample_db))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield sample_db
    st.cache_resource.clear()
    st.cache_data.clear()
