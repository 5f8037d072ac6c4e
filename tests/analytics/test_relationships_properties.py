"""Invariants of the relationship portfolio on random data (issue 11)."""

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.relationships import (
    BUYER_TYPES,
    RUNGS,
    buyer_types,
    cohort_table,
    customer_cohorts,
    ladder_table,
    place_on_ladder,
)

money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe_money = st.one_of(money, st.just(float("nan")))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(maybe_money, maybe_money, money), min_size=1, max_size=30),
       st.booleans())
def test_buyer_type_counts_add_up(rows, custom):
    index = pd.Index([f"C{i:02d}" for i in range(len(rows))], name="customer_id")
    margin, cts, revenue = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    pnl = pd.DataFrame({"net_margin": margin, "cost_to_serve": cts, "net_revenue": revenue,
                        "profit": margin - cts}, index=index)
    result = (buyer_types(pnl, "custom", reward=0.0, cost=100.0) if custom
              else buyer_types(pnl))
    known = int((np.isfinite(margin) & np.isfinite(cts)).sum())
    assert result.groups["customers"].sum() == known
    assert result.types.notna().sum() == known
    assert set(result.types.dropna()) <= set(BUYER_TYPES)
    counts = result.types.value_counts()
    assert result.groups.set_index("buyer_type")["customers"].to_dict() == {
        kind: int(counts.get(kind, 0)) for kind in BUYER_TYPES}


evidence_cell = st.sampled_from([True, False, None])


@st.composite
def ladders(draw):
    n = draw(st.integers(1, 25))
    rungs = draw(st.lists(st.sampled_from(list(RUNGS)), min_size=1, max_size=len(RUNGS),
                          unique=True))
    columns = {key: pd.array(draw(st.lists(evidence_cell, min_size=n, max_size=n)),
                             dtype="boolean") for key in rungs}
    index = pd.Index([f"C{i:02d}" for i in range(n)], name="customer_id")
    return pd.DataFrame(columns, index=index), rungs


def cell(value):
    """A nullable boolean cell as True, False or None."""
    return None if pd.isna(value) else bool(value)


@settings(max_examples=200, deadline=None)
@given(ladders())
def test_rung_never_passes_the_first_unmet_assessable_rung(case):
    evidence, ladder = case
    placed = place_on_ladder(evidence, ladder)
    for customer, rung in placed.rungs.items():
        assessed = [(number, cell(evidence.loc[customer, key]))
                    for number, key in enumerate(ladder, start=1) if key not in placed.skipped]
        unmet = [number for number, value in assessed if value is False]
        if unmet:
            assert rung < unmet[0]
        if rung:
            assert cell(evidence.loc[customer, ladder[rung - 1]]) is True  # its rung is met
            assert all(value is not False for number, value in assessed if number < rung)
        # The highest such rung: no met rung above it before the first unmet one.
        limit = unmet[0] if unmet else len(ladder) + 1
        assert not any(value is True for number, value in assessed if rung < number < limit)
    assert all(evidence[key].isna().all() for key in placed.skipped)
    table = ladder_table(placed, pd.DataFrame({"net_revenue": 1.0, "profit": 1.0},
                                              index=evidence.index))
    assert table["customers"].sum() == len(evidence)


year = st.integers(2015, 2025)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.one_of(year, st.none()), st.one_of(year, st.none()),
                          st.lists(st.integers(2021, 2025), max_size=5, unique=True)),
                min_size=1, max_size=30))
def test_cohort_sizes_add_up_to_the_customers(rows):
    index = pd.Index([f"C{i:02d}" for i in range(len(rows))], name="customer_id")
    first = pd.Series([None if f is None else dt.date(f, 1, 1) for f, _, _ in rows], index)
    since = pd.Series([None if s is None else dt.date(s, 6, 1) for _, s, _ in rows], index)
    cohorts = customer_cohorts(index, first, since, dt.date(2025, 12, 31))
    yearly = pd.DataFrame([(c, y, 10.0, 1.0) for c, (_, _, ys) in zip(index, rows, strict=True)
                           for y in ys], columns=["customer_id", "year", "net_revenue", "profit"])
    table = cohort_table(cohorts["cohort"], yearly, [2021, 2022, 2023, 2024, 2025])
    sizes = table.groupby("cohort")["customers"].first()
    unknown = int(cohorts["cohort"].isna().sum())
    # Every cohort with a year in the period has rows; the later ones none.
    late = cohorts["cohort"].dropna().astype(int)
    assert sizes.sum() + unknown + int((late > 2025).sum()) == len(index)
    assert (table["active"] <= table["customers"]).all()
    assert ((table["retention_pct"] >= 0) & (table["retention_pct"] <= 100)).all()
    assert (table["cohort"] <= table["year"]).all()
    assert (cohorts["tenure_years"].dropna() >= 0).all()
