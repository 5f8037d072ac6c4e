"""A scheduled load switches the store's version under a running app (issue 14, item 4):
the next ``get_store()`` moves to it and every cache of the old version goes, the state
helpers' ``st.cache_resource`` results too (review finding: the scenario model and the
relationship frames stayed in memory until they expired)."""

from __future__ import annotations

import pytest

from analytics.cli import main
from tests.conftest import app_on, store_with

LINES = "customer_id,date,net_revenue\nA,2024-01-02,100\nB,2024-02-03,50\n"
OTHER = "customer_id,date,net_revenue\nZ,2024-03-04,5\n"


@pytest.fixture
def env(tmp_path, monkeypatch):
    with app_on(store_with(tmp_path / "s.duckdb", {"transactions": LINES}), monkeypatch) as db:
        yield db


def test_a_version_switch_drops_the_scenario_models_and_relationship_frames(
        env, tmp_path, monkeypatch):
    from pages.ui import relationship_state as rs
    from pages.ui import scenario_state as ss
    from pages.ui.state import get_store

    built = []

    class Base:
        @staticmethod
        def build(*args):
            built.append(args)
            return object()

    monkeypatch.setattr(ss, "analysis", lambda selection: "today")
    monkeypatch.setattr(ss, "customer_base", lambda selection: type("B", (), {"volumes": 1}))
    monkeypatch.setattr(ss, "ScenarioBase", Base)
    old = rs._version()
    model = ss._scenario_base(old, "all", 0.0)
    assert ss._scenario_base(old, "all", 0.0) is model and len(built) == 1
    first = rs.first_purchase()
    assert rs._first_purchase(old) is first  # cached

    folder = tmp_path / "next"
    folder.mkdir()
    (folder / "transactions.csv").write_text(OTHER)
    assert main(["load", str(folder), "--db", str(env)]) == 0
    get_store()  # the next rerun: moves to the new version

    assert rs._version() != old
    assert rs.first_purchase().index.tolist() == ["Z"]
    assert rs._first_purchase(old) is not first  # gone: built again
    assert ss._scenario_base(old, "all", 0.0) is not model
    assert len(built) == 2
