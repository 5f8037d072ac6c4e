"""Saved pricing scenarios in the store: round trip, awkward names, kept across loads."""

import pytest

from analytics.scenario import Scenario, Scope
from data import Store
from tests.data.conftest import write_dataset


@pytest.fixture
def store():
    instance = Store(":memory:")
    yield instance
    instance.close()


def test_save_list_load_delete_round_trip(store):
    scenario = Scenario("Change fee", core_price_change_pct=-5, scope=Scope.segment("Demanding"))
    scenario = scenario.with_item("Order change", fee_per_unit=45, usage_response_pct=40)
    assert store.scenarios() == []
    assert store.load_scenario("Change fee") is None
    store.save_scenario("Change fee", scenario.to_dict())
    names = [name for name, _ in store.scenarios()]
    assert names == ["Change fee"]
    assert Scenario.from_dict(store.load_scenario("Change fee")) == scenario
    # Saving under the same name replaces it.
    store.save_scenario("Change fee", scenario.with_changes(core_price_change_pct=-7).to_dict())
    assert [name for name, _ in store.scenarios()] == ["Change fee"]
    assert store.load_scenario("Change fee")["core_price_change_pct"] == -7
    store.delete_scenario("Change fee")
    assert store.scenarios() == []
    assert store.load_scenario("Change fee") is None
    store.delete_scenario("Change fee")  # deleting what is gone is harmless


@pytest.mark.parametrize("name", ["O'Brien's \"menu\"", "x'); DROP TABLE scenarios; --",
                                  "<b>bold</b> **md** :red[x]"])
def test_names_with_quotes_are_values(store, name):
    store.save_scenario(name, {"name": name})
    store.save_scenario("other", {"name": "other"})
    assert {n for n, _ in store.scenarios()} == {name, "other"}
    assert store.load_scenario(name) == {"name": name}
    store.delete_scenario(name)
    assert [n for n, _ in store.scenarios()] == ["other"]


def test_an_empty_name_is_refused(store):
    with pytest.raises(ValueError):
        store.save_scenario("  ", {})


def test_scenarios_survive_a_dataset_load(tmp_path):
    path = tmp_path / "store.duckdb"
    store = Store(path)
    store.load_folder(write_dataset(tmp_path / "one"))
    store.save_scenario("Kept", Scenario("Kept").to_dict())
    store.load_folder(write_dataset(tmp_path / "two"))
    assert [n for n, _ in store.scenarios()] == ["Kept"]
    store.close()
    reopened = Store(path)
    assert reopened.load_scenario("Kept")["name"] == "Kept"
    reopened.close()
