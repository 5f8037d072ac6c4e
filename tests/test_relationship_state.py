"""The relationship views' cached reads (pages/ui/relationship_state.py): keyed on the
dataset version and the selection's filters, so a new load is never served stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.conftest import app_on, store_with

LINES = ("customer_id,date,net_revenue,product_id,quantity\n"
         "A,2023-03-01,100,P1,10\nA,2024-05-01,60,P1,4\nB,2024-01-02,120,P1,10\n")


@dataclass(frozen=True)
class Chosen:
    """What the reads need of a Selection: its filters and the store's arguments."""

    start: dt.date | None = None
    end: dt.date | None = None
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def filters(self) -> Chosen:
        return self

    def store_args(self) -> dict:
        return {"start": self.start, "end": self.end,
                "segments": list(self.segments) or None, "regions": list(self.regions) or None}


@pytest.fixture
def env(tmp_path, monkeypatch):
    with app_on(store_with(tmp_path / "r.duckdb", {"transactions": LINES}), monkeypatch) as db:
        yield db


def test_reads_follow_the_selection_and_a_new_load(env, tmp_path):
    from pages.ui import relationship_state as rs
    from pages.ui.state import get_store

    years = rs.customer_years(Chosen())
    assert years[["customer_id", "year", "net_revenue"]].values.tolist() == [
        ["A", 2023, 100.0], ["A", 2024, 60.0], ["B", 2024, 120.0]]
    assert rs.customer_years(Chosen(start=dt.date(2024, 1, 1)))["year"].tolist() == [2024,
                                                                                     2024]
    assert rs.first_purchase().dt.year.to_dict() == {"A": 2023, "B": 2024}
    # P1's unit prices 10, 15, 12: median 12. A = 160 / (14 x 12), B = 120 / 120.
    assert rs.price_index(Chosen()).to_dict() == pytest.approx({"A": 160 / 168, "B": 1.0})
    assert rs.price_index_needs() == []
    folder = tmp_path / "next"
    folder.mkdir()
    (folder / "transactions.csv").write_text("customer_id,date,net_revenue\nZ,2024-02-02,5\n")
    get_store().load_folder(folder)
    assert rs.customer_years(Chosen())["customer_id"].tolist() == ["Z"]
    assert rs.price_index_needs() == ["product_id", "quantity"]
    assert rs.price_index(Chosen()).isna().all()
    rs.clear()
