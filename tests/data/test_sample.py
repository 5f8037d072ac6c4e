"""The embedded sample dataset looks like a real B2B supplier (issue's calibration bands)."""

import hashlib

import pytest

from analytics import analyse
from data import Store
from data.sample import generate, write_sample


@pytest.fixture(scope="module")
def sample_analysis(sample_db):
    store = Store(sample_db)
    base = store.customer_base()
    info = store.info()
    store.close()
    result = analyse(base.customers, base.volumes, base.rates, base.resources,
                     capacity_volume=base.period_volume)
    return info, base, result


def test_size(sample_analysis):
    info, _, result = sample_analysis
    assert info.rows["customers"] == 2000
    assert 250_000 <= info.rows["transactions"] <= 350_000
    assert len(result.rate_table) >= 10
    assert set(result.capacity["resource"]) >= {
        "Customer service", "Logistics", "Technical support", "Field sales"
    }


def test_whale_curve_in_kaplan_narayanan_bands(sample_analysis):
    summary = sample_analysis[2].whale.summary
    assert summary.profit_is_positive
    assert 150 <= summary.top20_profit_pct <= 300
    assert -200 <= summary.bottom10_profit_pct <= -50


def test_every_quadrant_populated(sample_analysis):
    counts = sample_analysis[2].quadrant_counts()
    assert min(counts.values()) >= 200, counts


def test_some_unused_capacity_on_every_resource(sample_analysis):
    capacity = sample_analysis[2].capacity
    assert (capacity["unused"] > 0).all()
    assert (capacity["used_pct"] >= 50).all()


def test_large_customers_at_both_ends(sample_analysis):
    pnl = sample_analysis[2].pnl
    large = pnl["net_revenue"] >= pnl["net_revenue"].quantile(0.95)
    rank = pnl["profit"].rank(ascending=False, method="first")
    n = len(pnl)
    assert (large & (rank <= n / 10)).any()
    assert (large & (rank > 0.9 * n)).any()


def test_segments_from_the_textbook_case(sample_analysis):
    segments = set(sample_analysis[1].customers["segment"].dropna())
    assert {"Premium service", "Price-driven", "Demanding"} <= segments


def test_kanthal_like_account(sample_analysis):
    """One of the largest accounts is among the biggest losses, through order changes."""
    pnl = sample_analysis[2].pnl
    biggest = pnl.nlargest(5, "net_revenue")
    worst = set(pnl.nsmallest(10, "profit").index)
    assert set(biggest.index) & worst


def test_generation_is_deterministic(tmp_path):
    def digest(folder):
        write_sample(folder, customers=200, seed=3)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.glob("*.csv"))}

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    other = generate(customers=200, seed=4)["transactions"]
    assert not other.equals(generate(customers=200, seed=3)["transactions"])
