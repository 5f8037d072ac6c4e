"""Time-driven ABC against published worked examples."""

import pandas as pd
import pytest

from analytics.tdabc import activity_rates, capacity_cost_rates, capacity_usage, cost_by_activity

# Kaplan & Anderson, "Time-Driven Activity-Based Costing", HBS working paper 04-045 (2003):
# one customer-service department, one quarter.
KA_RESOURCES = pd.DataFrame(
    {"resource": ["Customer service"], "cost": [560_000.0], "capacity": [700_000.0]}
)
KA_RATES = pd.DataFrame(
    {
        "activity": ["Handle customer order", "Process customer complaint", "Perform credit check"],
        "resource": ["Customer service"] * 3,
        "unit_time": [40.0, 220.0, 250.0],
    }
)
KA_VOLUME = pd.Series(
    [9_800.0, 280.0, 500.0], index=KA_RATES["activity"], name="quantity"
)


def test_kaplan_anderson_capacity_cost_rate():
    assert capacity_cost_rates(KA_RESOURCES)["Customer service"] == pytest.approx(0.80)


def test_kaplan_anderson_activity_rates():
    table = activity_rates(KA_RATES, KA_RESOURCES)
    assert table["rate"].tolist() == pytest.approx([32.0, 176.0, 200.0])
    assert table["capacity_cost_rate"].tolist() == pytest.approx([0.8] * 3)


def test_kaplan_anderson_cost_assigned_and_unused_capacity():
    table = activity_rates(KA_RATES, KA_RESOURCES)
    assigned = (KA_VOLUME.to_numpy() * table["rate"].to_numpy())
    assert assigned.tolist() == pytest.approx([313_600.0, 49_280.0, 100_000.0])
    assert assigned.sum() == pytest.approx(462_880.0)
    report = capacity_usage(table, KA_RESOURCES, KA_VOLUME).iloc[0]
    assert report["used"] == pytest.approx(578_600.0)
    assert report["unused"] == pytest.approx(121_400.0)
    assert report["unused_cost"] == pytest.approx(97_120.0)
    assert report["used_pct"] == pytest.approx(82.657, abs=1e-3)
    # Assigned plus unused cost is the whole resource cost: nothing is lost or spread.
    assert assigned.sum() + report["unused_cost"] == pytest.approx(560_000.0)


def test_kaplan_anderson_cost_to_serve_per_customer():
    volumes = pd.DataFrame(
        {"Handle customer order": [10.0, 2.0], "Process customer complaint": [0.0, 3.0],
         "Perform credit check": [1.0, 0.0]},
        index=pd.Index(["Easy", "Demanding"], name="customer_id"),
    )
    cost = cost_by_activity(volumes, activity_rates(KA_RATES, KA_RESOURCES))
    assert cost.sum(axis=1).tolist() == pytest.approx([10 * 32 + 200, 2 * 32 + 3 * 176])


def test_warehouse_idle_capacity():
    # SimpleStudies, "Time is money": 30 staff, 300 days, 460 productive minutes a day.
    capacity = 30 * 50 * 6 * 460
    resources = pd.DataFrame({"resource": ["Warehouse"], "cost": [2_980_800.0],
                              "capacity": [float(capacity)]})
    rates = pd.DataFrame({"activity": ["Order"], "resource": ["Warehouse"], "unit_time": [15.0]})
    table = activity_rates(rates, resources)
    assert capacity == 4_140_000
    assert table["capacity_cost_rate"].iloc[0] == pytest.approx(0.72)
    assert table["rate"].iloc[0] == pytest.approx(10.80)
    report = capacity_usage(table, resources, pd.Series({"Order": 3_800_000 / 15}))
    assert report["unused"].iloc[0] == pytest.approx(340_000.0)
    assert report["unused_cost"].iloc[0] == pytest.approx(244_800.0)


def test_direct_cost_per_unit_needs_no_resource():
    rates = pd.DataFrame({"activity": ["Freight"], "cost_per_unit": [12.5]})
    table = activity_rates(rates)
    assert table["rate"].tolist() == [12.5]
    assert table["resource"].isna().all()


def test_mixed_rate_card_and_period_proration():
    rates = pd.DataFrame(
        {"activity": ["Order", "Freight"], "resource": ["CS", None], "unit_time": [30.0, None],
         "cost_per_unit": [None, 7.0]}
    )
    resources = pd.DataFrame({"resource": ["CS"], "cost": [1200.0], "capacity": [2400.0]})
    table = activity_rates(rates, resources)
    assert table["rate"].tolist() == pytest.approx([15.0, 7.0])
    half = capacity_usage(table, resources, pd.Series({"Order": 10.0, "Freight": 99.0}), 0.5)
    row = half.iloc[0]
    assert (row["cost"], row["capacity"], row["used"]) == pytest.approx((600.0, 1200.0, 300.0))
    assert row["unused_cost"] == pytest.approx(450.0)


def test_over_capacity_is_negative_unused():
    table = activity_rates(KA_RATES, KA_RESOURCES)
    report = capacity_usage(table, KA_RESOURCES, KA_VOLUME * 2).iloc[0]
    assert report["unused"] == pytest.approx(700_000 - 2 * 578_600)
    assert report["unused_cost"] < 0


@pytest.mark.parametrize(
    ("rates", "resources", "message"),
    [
        (pd.DataFrame({"activity": ["A"], "resource": ["X"], "unit_time": [1.0]}), None,
         "no resources"),
        (pd.DataFrame({"activity": ["A"], "resource": ["X"], "unit_time": [1.0]}),
         KA_RESOURCES, "unknown resource"),
        (pd.DataFrame({"activity": ["A"], "resource": [None], "unit_time": [1.0]}), None,
         "no rate"),
    ],
)
def test_rate_card_errors(rates, resources, message):
    with pytest.raises(ValueError, match=message):
        activity_rates(rates, resources)


def test_zero_capacity_refused():
    bad = KA_RESOURCES.assign(capacity=[0.0])
    with pytest.raises(ValueError, match="greater than zero"):
        capacity_cost_rates(bad)


def test_volume_without_rate_refused():
    volumes = pd.DataFrame({"Unknown": [1.0]})
    with pytest.raises(KeyError, match="Unknown"):
        cost_by_activity(volumes, activity_rates(KA_RATES, KA_RESOURCES))
