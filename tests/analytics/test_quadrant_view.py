"""Shares and notes of the quadrant map and table: known answers."""

import math

import pandas as pd

from analytics.charts import MapExtent
from analytics.quadrant_view import map_notes, ordinal, quadrant_shares, split_sentence
from analytics.quadrants import Thresholds


def test_shares_of_a_loss_making_total_are_not_shown():
    table = pd.DataFrame({"quadrant": ["passive", "aggressive"], "customers": [1, 3],
                          "net_revenue": [50.0, 150.0], "profit": [10.0, -30.0]})
    shares = quadrant_shares(table)
    assert shares["customers_pct"].tolist() == [25.0, 75.0]
    assert shares["net_revenue_pct"].tolist() == [25.0, 75.0]
    assert all(math.isnan(v) for v in shares["profit_pct"])


def test_ordinals():
    assert [ordinal(v) for v in (2, 12, 13, 21, 98, 101, 112, 0.5)] == [
        "2nd", "12th", "13th", "21st", "98th", "101st", "112th", "0.5th"]


def test_map_notes_singular_and_plural():
    extent = MapExtent((0, 1), (0, 1), placed=10, unplaced=1, pinned=2, low_pct=2.0,
                       high_pct=98.0, drawn=10)
    notes = map_notes(extent)
    assert notes[0].startswith("1 customer without positive net revenue")
    assert "is left off the map" in notes[0]
    assert "2nd to 98th percentiles" in notes[1] and "2 outlying customers are" in notes[1]
    assert map_notes(MapExtent((0, 1), (0, 1), 5, 0, 0, 2.0, 98.0, drawn=5)) == []


def test_split_sentence_names_the_method():
    limits = Thresholds(12.5, 7.3, "mean")
    assert split_sentence(limits) == ("Split at the means: net margin 12.5% and cost to serve "
                                      "7.3% of net revenue (at or above counts as high).")
