"""The pricing scenario model: known answers on hand-built customers, and invariants."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import analyse
from analytics.money import to_cents
from analytics.pnl import pct_of
from analytics.quadrants import QUADRANTS, classify, quadrant_codes
from analytics.scenario import (
    SCENARIO_PNL_COLUMNS,
    MenuItem,
    Scenario,
    ScenarioBase,
    Scope,
    guess_order_activity,
    kanthal,
    match_activities,
    move_support_online,
    presets,
    unbundle,
)
from analytics.scenario.bridge import apportion

# --- the Kanthal case (DOMAIN.md §3) --------------------------------------------------
# Customer service costs $1.50 a minute. A normal order takes 100 minutes ($150); each
# change to an order 300 minutes ($450). The large account changes every order once, so
# each of its orders costs $600: four times a normal order.

KANTHAL_RATES = pd.DataFrame(
    {"activity": ["Order", "Order change"], "resource": ["Customer service"] * 2,
     "unit_time": [100.0, 300.0]}
)
KANTHAL_RESOURCES = pd.DataFrame(
    {"resource": ["Customer service"], "cost": [600_000.0], "capacity": [400_000.0]}
)


@pytest.fixture
def kanthal_base():
    ids = pd.Index(["GE", "Normal"], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": [1_100_000.0, 520_000.0], "net_revenue": [1_000_000.0, 500_000.0],
         "cogs": [800_000.0, 380_000.0], "segment": ["Key accounts", "Others"]},
        index=ids,
    )
    volumes = pd.DataFrame({"Order": [400.0, 400.0], "Order change": [400.0, 0.0]}, index=ids)
    analysis = analyse(customers, volumes, KANTHAL_RATES, KANTHAL_RESOURCES)
    # 100 of GE's 400 orders are below the $1,000 minimum; none of the other's.
    orders = pd.DataFrame(
        {"orders": [400, 400], "small_orders": [100, 0], "small_order_value": [45_000.0, 0.0]},
        index=ids,
    )
    return ScenarioBase.build(analysis, volumes, orders, 1000.0), analysis


CHANGE_FEE = Scenario("Change surcharge").with_item(
    "Order change", fee_per_unit=450.0, usage_response_pct=50.0
)
KANTHAL_CONTRACT = CHANGE_FEE.with_changes(
    name="Surcharge and minimum order", minimum_order_value=1000.0, small_order_fee=100.0,
    consolidation_pct=50.0, order_activity="Order",
)


def test_kanthal_today(kanthal_base):
    _, analysis = kanthal_base
    pnl = analysis.pnl
    per_order = (pnl["cts_Order"] + pnl["cts_Order change"]) / 400
    assert per_order["Normal"] == 150.0 and per_order["GE"] == 600.0 == 4 * per_order["Normal"]
    assert pnl.loc["GE", "profit"] == -40_000.0
    assert pnl.loc["Normal", "profit"] == 60_000.0


def test_kanthal_change_surcharge(kanthal_base):
    base, _ = kanthal_base
    result = base.run(CHANGE_FEE.with_changes(capacity_follows_usage=True))
    ge = result.pnl.loc["GE"]
    # Changes halve to 200, each paying $450: fee $90,000; cost 400 x 150 + 200 x 450.
    assert ge["fee_revenue"] == 90_000.0
    assert ge["cost_to_serve_after"] == 150_000.0
    assert ge["profit_after"] == 140_000.0
    assert ge["bill_change_pct"] == pytest.approx(9.0)
    normal = result.pnl.loc["Normal"]
    assert normal["profit_after"] == normal["profit_before"] == 60_000.0
    assert normal["bill_change_pct"] == 0.0
    summary = result.summary()
    assert summary["profit_before"] == 20_000.0
    assert summary["profit_after"] == 200_000.0
    assert summary["fee_revenue"] == 90_000.0 and summary["cost_saved"] == 90_000.0
    assert summary["unsaved_capacity_cost"] == 0.0
    assert summary["customers_paying_more"] == 1 and summary["customers_at_risk"] == 0


def test_kanthal_surcharge_and_minimum_order(kanthal_base):
    base, _ = kanthal_base
    result = base.run(KANTHAL_CONTRACT.with_changes(capacity_follows_usage=True, at_risk_pct=5))
    ge = result.pnl.loc["GE"]
    # Half the 100 small orders are consolidated: 350 orders, 50 still small.
    usage = base.usage_after(KANTHAL_CONTRACT)
    assert usage[0].tolist() == [350.0, 200.0] and usage[1].tolist() == [400.0, 0.0]
    assert ge["fee_revenue"] == 90_000.0 + 50 * 100.0
    assert ge["cost_to_serve_after"] == 350 * 150.0 + 200 * 450.0
    assert ge["profit_after"] == 152_500.0
    assert ge["bill_change_pct"] == pytest.approx(9.5)
    assert bool(ge["at_risk"]) and not bool(result.pnl.loc["Normal", "at_risk"])
    summary = result.summary()
    assert summary["profit_after"] == 212_500.0
    assert summary["surcharge_revenue"] == 5_000.0
    assert summary["small_order_effect"] == 5_000.0 + 50 * 150.0
    assert summary["customers_at_risk"] == 1
    assert summary["profit_at_stake"] == -40_000.0  # GE loses money today
    assert summary["profit_after_at_risk"] == 152_500.0


def test_kanthal_capacity_not_following_usage(kanthal_base):
    base, _ = kanthal_base
    result = base.run(KANTHAL_CONTRACT)  # capacity does not follow usage by default
    # The 200 changes and 50 orders given up stay as unused capacity, at today's rates.
    assert result.summary()["unsaved_capacity_cost"] == 200 * 450.0 + 50 * 150.0
    bridge = result.bridge.set_index("key")["amount"]
    assert bridge.to_dict() == {
        "profit_before": 20_000.0,
        "service_fees": 90_000.0,
        "cost_saved": 90_000.0,
        "core_price": 0.0,
        "small_orders": 12_500.0,
        "volume_response": 0.0,
        "unsaved_capacity": -97_500.0,
        "profit_after": 115_000.0,
    }
    assert result.bridge["measure"].tolist() == ["absolute"] + ["relative"] * 6 + ["total"]
    # The customer P&L does not carry unused capacity (TDABC): GE is still profitable.
    assert result.pnl.loc["GE", "profit_after"] == 152_500.0


def test_core_price_and_rate_change():
    ids = pd.Index(["A", "B"], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": [1000.0, 2000.0], "net_revenue": [1000.0, 2000.0],
         "cogs": [600.0, 1500.0]}, index=ids,
    )
    volumes = pd.DataFrame({"Support": [2.0, 10.0], "Freight": [4.0, 1.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Support", "Freight"], "cost_per_unit": [20.0, 5.0]})
    base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
    scenario = (
        Scenario(core_price_change_pct=-5.0, capacity_follows_usage=True)
        .with_item("Support", rate_change_pct=-40.0)
        .with_item("Freight", fee_per_unit=5.0, usage_response_pct=25.0)
    )
    result = base.run(scenario)
    pnl = result.pnl
    assert pnl["net_revenue_after"].tolist() == [950.0, 1900.0]
    assert pnl["fee_revenue"].tolist() == [15.0, 3.75]
    # A: support 2 x 12 + freight 3 x 5; B: 10 x 12 + 0.75 x 5.
    assert pnl["cost_to_serve_after"].tolist() == pytest.approx([39.0, 123.75])
    assert pnl["profit_after"].tolist() == pytest.approx(
        [950 + 15 - 600 - 39, 1900 + 3.75 - 1500 - 123.75]
    )
    assert pnl["bill_change_pct"].tolist() == pytest.approx([-3.5, -4.8125])
    summary = result.summary()
    assert summary["core_price_effect"] == -150.0
    assert summary["customers_paying_more"] == 0
    assert summary["cost_saved"] == pytest.approx((2 * 20 + 4 * 5 + 10 * 20 + 5) - (39 + 123.75))


def test_fee_revenue_enters_the_quadrant_as_revenue():
    ids = pd.Index(["A", "B", "C", "D"], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": [100.0] * 4, "net_revenue": [100.0] * 4,
         "cogs": [60.0, 60.0, 90.0, 90.0]}, index=ids,
    )
    volumes = pd.DataFrame({"Service": [1.0, 6.0, 1.0, 6.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Service"], "cost_per_unit": [5.0]})
    analysis = analyse(customers, volumes, rates)
    base = ScenarioBase.build(analysis, volumes)
    assert analysis.pnl["quadrant"].tolist() == list(QUADRANTS)
    result = base.run(Scenario().with_item("Service", fee_per_unit=5.0))
    # D pays 30 for its service: revenue 130, margin 40 (30.8 %), cost to serve 30
    # (23.1 %): above the baseline margin split (25 %), so it moves to carriage trade.
    assert result.pnl.loc["D", "quadrant_after"] == "carriage_trade"
    assert result.migration.loc["aggressive", "carriage_trade"] == 1
    assert int(result.migration.to_numpy().sum()) == 4


def test_scope_leaves_other_customers_unchanged(kanthal_base):
    base, analysis = kanthal_base
    scenario = CHANGE_FEE.with_changes(core_price_change_pct=10.0)
    for scope in (Scope.customers(["Normal"]), Scope.segment("Others"),
                  Scope.quadrant(analysis.pnl.loc["Normal", "quadrant"])):
        result = base.run(scenario.with_changes(scope=scope))
        ge = result.pnl.loc["GE"]
        assert ge["profit_after"] == ge["profit_before"] and ge["fee_revenue"] == 0
        assert not ge["in_scope"] and result.pnl.loc["Normal", "in_scope"]
        assert result.pnl.loc["Normal", "net_revenue_after"] == pytest.approx(550_000.0)
        assert result.summary()["customers_in_scope"] == 1
    with pytest.raises(ValueError, match="unknown customer"):
        base.run(scenario.with_changes(scope=Scope.customers(["Nobody"])))
    with pytest.raises(ValueError, match="unknown segment"):
        base.run(scenario.with_changes(scope=Scope.segment("Nowhere")))
    with pytest.raises(ValueError, match="unknown quadrant"):
        Scope.quadrant("loss leaders")


def test_menu_check():
    ids = pd.Index(["Collab", "Lean"], name="customer_id")
    customers = pd.DataFrame(
        {"list_revenue": [1000.0, 1000.0], "net_revenue": [1000.0, 1000.0],
         "cogs": [500.0, 500.0]}, index=ids,
    )
    volumes = pd.DataFrame(
        {"Training": [2.0, 0.0], "Support": [3.0, 0.0], "Expedite": [1.0, 1.0]}, index=ids
    )
    rates = pd.DataFrame({"activity": list(volumes.columns), "cost_per_unit": [10.0] * 3})
    base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
    menu = Scenario(core_price_change_pct=-5.0)
    for activity in volumes.columns:
        menu = menu.with_item(activity, fee_per_unit=10.0)
    check = base.run(menu).menu_check
    # Collab uses 3 of 3 services (menu 60) and gives up a 5 % premium (50): consistent.
    assert (check.collaborative_customers, check.menu_total, check.bundle_premium) == (
        1, 60.0, 50.0
    )
    assert check.applicable and check.consistent and check.undercut_customers == 0
    cheaper = base.run(menu.with_changes(core_price_change_pct=-8.0)).menu_check
    assert not cheaper.consistent and cheaper.undercut_customers == 1
    assert cheaper.note.startswith("Warning")
    assert not base.run(Scenario()).menu_check.applicable
    assert not base.run(menu.with_changes(core_price_change_pct=0.0)).menu_check.applicable


def test_exported_table_and_summary_keys(kanthal_base):
    base, _ = kanthal_base
    result = base.run(KANTHAL_CONTRACT)
    export = result.pnl_export()
    assert tuple(export.columns) == SCENARIO_PNL_COLUMNS
    assert export["customer_id"].tolist() == ["GE", "Normal"]
    summary = result.summary()
    assert summary.keys() >= {
        "profit_before", "profit_after", "fee_revenue", "cost_saved", "core_price_effect",
        "customers", "customers_paying_more", "customers_at_risk", "profit_at_stake",
        "migration",
    }
    assert set(summary["migration"]) == set(QUADRANTS)
    json.dumps(summary)  # plain JSON
    assert result.whale_after.summary.total_profit == pytest.approx(212_500.0)
    assert result.whale_before.summary.total_profit == 20_000.0


def test_minimum_order_needs_matching_order_sizes(kanthal_base):
    base, analysis = kanthal_base
    with pytest.raises(ValueError, match="counted for a minimum order of 1000"):
        base.run(KANTHAL_CONTRACT.with_changes(minimum_order_value=500.0))
    bare = ScenarioBase.build(analysis, pd.DataFrame({"Order": [400.0, 400.0],
                                                      "Order change": [400.0, 0.0]},
                                                     index=analysis.pnl.index))
    with pytest.raises(ValueError, match="order_id"):
        bare.run(KANTHAL_CONTRACT)
    with pytest.raises(ValueError, match="order-counting activity"):
        base.run(KANTHAL_CONTRACT.with_changes(order_activity=None))
    with pytest.raises(ValueError, match="not an activity"):
        base.run(CHANGE_FEE.with_item("Teleportation", fee_per_unit=1.0))


def test_scenario_parameters():
    scenario = KANTHAL_CONTRACT.with_changes(scope=Scope.quadrant("aggressive", "passive"))
    assert Scenario.from_json(scenario.to_json()) == scenario
    assert Scenario.from_dict({"name": "Empty"}) == Scenario("Empty")
    assert scenario.without_item("Order change").menu == ()
    assert scenario.with_item("Order change", fee_per_unit=10.0).item("Order change") == MenuItem(
        "Order change", 10.0, 50.0, 0.0
    )
    assert CHANGE_FEE.item("Order") is None
    with pytest.raises(ValueError, match="unknown scenario field"):
        Scenario.from_dict({"colour": "red"})
    with pytest.raises(ValueError, match="between 0 and 100"):
        MenuItem("Order", usage_response_pct=120.0)
    with pytest.raises(ValueError, match="0 or more"):
        MenuItem("Order", fee_per_unit=-1.0)
    with pytest.raises(ValueError, match="twice"):
        Scenario(menu=(MenuItem("Order"), MenuItem("Order")))
    with pytest.raises(ValueError, match="needs a minimum_order_value"):
        Scenario(small_order_fee=10.0)
    with pytest.raises(ValueError, match="above -100"):
        Scenario(core_price_change_pct=-100.0)


def test_presets_match_activities_by_name(kanthal_base):
    base, _ = kanthal_base
    scenario = kanthal(base)
    assert [i.activity for i in scenario.menu] == ["Order change"]
    assert scenario.item("Order change").fee_per_unit == 450.0
    assert scenario.order_activity == "Order" and scenario.minimum_order_value == 1000.0
    assert scenario.small_order_fee == 150.0
    result = base.run(scenario)
    assert result.summary()["profit_after"] > result.summary()["profit_before"]
    every = unbundle(base)
    assert {i.activity for i in every.menu} == set(base.activities)
    assert every.core_price_change_pct < 0 and base.run(every).menu_check.consistent
    # No support activity by name: the resource's name decides; none at all: no change.
    assert move_support_online(base).menu == ()
    assert "No support activity" in move_support_online(base).description
    assert set(presets(base)) == {"kanthal", "unbundle", "support_online"}


def test_presets_fall_back_gracefully():
    ids = pd.Index(["A"], name="customer_id")
    customers = pd.DataFrame({"list_revenue": [10.0], "net_revenue": [10.0], "cogs": [5.0]},
                             index=ids)
    volumes = pd.DataFrame({"Calls": [1.0], "Visits": [1.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Calls", "Visits"],
                          "resource": ["Helpdesk support", "Field"], "unit_time": [1.0, 1.0]})
    resources = pd.DataFrame({"resource": ["Helpdesk support", "Field"], "cost": [10.0, 10.0],
                              "capacity": [10.0, 10.0]})
    base = ScenarioBase.build(analyse(customers, volumes, rates, resources), volumes)
    assert kanthal(base).menu == () and not kanthal(base).has_minimum_order
    assert "no minimum order" in kanthal(base).description
    assert [i.activity for i in move_support_online(base).menu] == ["Calls"]
    for scenario in presets(base).values():
        base.run(scenario)


def test_guessing_activities():
    sample = ["Order entry (EDI)", "Order change", "Order picking & dispatch", "Order line picking",
              "Small order handling", "Freight"]
    assert guess_order_activity(sample) == "Order picking & dispatch"
    assert guess_order_activity(["Order", "Order change"]) == "Order"
    assert guess_order_activity(["Calls"]) is None
    assert match_activities(sample, ("change", "resched")) == ["Order change"]


def test_apportion_keeps_the_sum():
    steps = apportion({"fees": 7}, {"a": 0.004, "b": 0.004, "c": 0.004, "d": -0.0}, 100, 108)
    assert sum(steps.values()) == 8 and steps["fees"] == 7
    assert steps["d"] == 0 and sorted(steps[k] for k in "abc") == [0, 0, 1]


# --- invariants on random customer bases -----------------------------------------------

money = st.integers(min_value=-10**7, max_value=10**9).map(lambda c: c / 100)
pct = st.floats(min_value=0, max_value=100, allow_nan=False)


@st.composite
def bases(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    k = draw(st.integers(min_value=1, max_value=4))
    index = pd.Index([f"C{i:03d}" for i in range(n)], name="customer_id")
    net = np.array(draw(st.lists(money, min_size=n, max_size=n)))
    cogs = np.array(draw(st.lists(money, min_size=n, max_size=n)))
    customers = pd.DataFrame(
        {"list_revenue": net, "net_revenue": net, "cogs": cogs,
         "segment": draw(st.lists(st.sampled_from(["A", "B"]), min_size=n, max_size=n))},
        index=index,
    )
    activities = [f"A{j}" for j in range(k)]
    qty = st.integers(min_value=0, max_value=500).map(float)
    volumes = pd.DataFrame(
        {a: draw(st.lists(qty, min_size=n, max_size=n)) for a in activities}, index=index
    )
    timed = draw(st.lists(st.booleans(), min_size=k, max_size=k))
    unit = st.floats(min_value=0, max_value=300, allow_nan=False)
    rates = pd.DataFrame({
        "activity": activities,
        "resource": ["R" if t else None for t in timed],
        "unit_time": [draw(unit) if t else None for t in timed],
        "cost_per_unit": [None if t else draw(unit) for t in timed],
    })
    resources = pd.DataFrame({"resource": ["R"], "cost": [draw(st.floats(0, 1e6))],
                              "capacity": [draw(st.floats(1, 1e6))]})
    analysis = analyse(customers, volumes, rates, resources if any(timed) else None)
    order_count = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    small = [draw(st.integers(0, c)) for c in order_count]
    orders = pd.DataFrame({"orders": order_count, "small_orders": small}, index=index)
    return ScenarioBase.build(analysis, volumes, orders, 250.0), analysis


@st.composite
def scenarios(draw, base):
    menu = []
    for activity in base.activities:
        if draw(st.booleans()):
            menu.append(MenuItem(
                activity,
                fee_per_unit=draw(st.floats(0, 1000, allow_nan=False)),
                usage_response_pct=draw(pct),
                rate_change_pct=draw(st.floats(-100, 100, allow_nan=False)),
            ))
    minimum = draw(st.booleans())
    scope = draw(st.sampled_from([Scope(), Scope.segment("A"), Scope.quadrant("aggressive"),
                                  Scope.customers([base.customer_ids[0]])]))
    if scope.kind == "segment" and "A" not in base.segments:
        scope = Scope()
    return Scenario(
        menu=tuple(menu),
        core_price_change_pct=draw(st.floats(-50, 50, allow_nan=False)),
        minimum_order_value=250.0 if minimum else 0.0,
        small_order_fee=draw(st.floats(0, 100, allow_nan=False)) if minimum else 0.0,
        consolidation_pct=draw(pct) if minimum else 0.0,
        order_activity=draw(st.sampled_from(base.activities)) if minimum else None,
        capacity_follows_usage=draw(st.booleans()),
        at_risk_pct=draw(st.floats(0, 50, allow_nan=False)),
        scope=scope,
        core_volume_elasticity=draw(st.sampled_from([0.0, -0.5, -2.0])),
        at_risk_defection_pct=draw(st.sampled_from([0.0, 25.0, 100.0])),
    )


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_neutral_scenario_reproduces_today(data):
    base, analysis = data.draw(bases())
    # Responses without fees change nothing; neither does the capacity switch.
    menu = tuple(MenuItem(a, usage_response_pct=data.draw(pct)) for a in base.activities)
    scenario = Scenario(menu=menu, capacity_follows_usage=data.draw(st.booleans()))
    result = base.run(scenario)
    pnl, today = result.pnl, analysis.pnl
    assert np.array_equal(pnl["profit_after"].to_numpy(), today["profit"].to_numpy())
    assert np.array_equal(pnl["net_revenue_after"].to_numpy(), today["net_revenue"].to_numpy())
    assert np.array_equal(pnl["cost_to_serve_after"].to_numpy(),
                          today["cost_to_serve"].to_numpy())
    assert (pnl["fee_revenue"] == 0).all()
    assert (pnl["quadrant_after"] == today["quadrant"]).all()
    assert (pnl["quadrant_before"] == today["quadrant"]).all()
    assert np.array_equal(base.usage_after(scenario), base.usage)
    summary = result.summary()
    assert summary["profit_after"] == summary["profit_before"]
    assert (result.bridge["cents"].iloc[1:-1] == 0).all()
    assert summary["customers_paying_more"] == summary["customers_at_risk"] == 0
    assert np.trace(result.migration.to_numpy()) == len(pnl)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_scenario_invariants(data):
    base, analysis = data.draw(bases())
    scenario = data.draw(scenarios(base))
    result = base.run(scenario)
    pnl = result.pnl
    n = len(pnl)
    # Fee revenue is never negative; usage never rises (volume falls only with a price
    # rise; a cut may win volume).
    assert (pnl["fee_revenue"] >= 0).all()
    if scenario.core_price_change_pct >= 0 or not scenario.core_volume_elasticity:
        assert (base.usage_after(scenario) <= base.usage).all()
    # The customer P&L reconciles.
    assert np.allclose(
        pnl["net_revenue_after"] + pnl["fee_revenue"] - pnl["cogs_after"]
        - pnl["cost_to_serve_after"], pnl["profit_after"], rtol=1e-9, atol=1e-6)
    # The bridge adds up exactly, in cents, to today's and the scenario's profit.
    cents = result.bridge["cents"].tolist()
    assert cents[0] + sum(cents[1:-1]) == cents[-1]
    summary = result.summary()
    unsaved = summary["unsaved_capacity_cost"]
    # Today's profit: the rows' cents, within a cent a row of the unrounded total.
    assert abs(cents[0] - to_cents(analysis.pnl["profit"].sum())) <= n
    assert abs(cents[-1] - round((pnl["profit_after"].sum() - unsaved) * 100)) <= 2 * n
    assert round(100 * summary["profit_after"]) == cents[-1]
    # The summary's effects add up too; its fees are billed after the volume lost, the
    # bridge's on today's volume (the volume step takes the difference).
    if (pnl["volume_kept_pct"] == 100).all():
        assert round(100 * (summary["profit_before"] + summary["fee_revenue"]
                            + summary["cost_saved"] + summary["core_price_effect"]
                            - unsaved)) == cents[-1]
        assert summary["volume_effect"] == 0
    # Migration counts every customer once.
    assert int(result.migration.to_numpy().sum()) == n == summary["customers"]
    assert result.migration.sum(axis=1).tolist() == [
        int((analysis.pnl["quadrant"] == q).sum()) for q in QUADRANTS
    ]
    # Customers out of scope keep today's P&L.
    out = ~pnl["in_scope"]
    assert (pnl.loc[out, "profit_after"] == pnl.loc[out, "profit_before"]).all()
    assert 0 <= summary["customers_at_risk"] <= summary["customers_paying_more"] <= n


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_more_response_never_raises_usage(data):
    base, _ = data.draw(bases())
    # Without defection: a larger response lowers a bill, which may keep a customer.
    scenario = data.draw(scenarios(base)).with_changes(at_risk_defection_pct=0.0)
    activity = data.draw(st.sampled_from(base.activities))
    low = data.draw(pct)
    high = data.draw(st.floats(min_value=low, max_value=100))
    fee = data.draw(st.floats(0, 100, allow_nan=False))
    less = base.usage_after(scenario.with_item(activity, fee_per_unit=fee, usage_response_pct=low))
    more = base.usage_after(scenario.with_item(activity, fee_per_unit=fee,
                                               usage_response_pct=high))
    assert (more <= less).all()


@settings(max_examples=60, deadline=None)
@given(bases())
def test_quadrant_codes_follow_classify(drawn):
    _, analysis = drawn
    pnl = analysis.pnl
    # The scenario places customers from money amounts, as here.
    revenue, margin = pnl["net_revenue"].to_numpy(), pnl["net_margin"].to_numpy()
    cost = pnl["cost_to_serve"].to_numpy()
    codes = quadrant_codes(revenue, pct_of(margin, revenue), pct_of(cost, revenue), cost,
                           analysis.thresholds)
    expected = classify(pnl, analysis.thresholds).cat.codes.to_numpy()
    assert np.array_equal(codes, expected)


def test_scenario_module_is_pure():
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys, analytics.scenario;"
            "sys.exit(1 if {'streamlit', 'duckdb'} & set(sys.modules) else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_names_stay_importable_from_analytics_scenario():
    import analytics.scenario as scenario

    # What pages/pricing.py, the CLI, data's tests and the benchmark import from here.
    for name in ("MenuItem", "Scenario", "ScenarioBase", "ScenarioResult", "Scope", "MenuCheck",
                 "SCENARIO_PNL_COLUMNS", "MONEY_COLUMNS", "BRIDGE_STEPS", "PAYS_MORE_FROM",
                 "guess_order_activity", "match_activities", "kanthal", "unbundle",
                 "move_support_online", "presets", "PRESETS"):
        assert hasattr(scenario, name), name
    assert set(scenario.__all__) <= set(dir(scenario))


def test_run_is_its_named_steps(kanthal_base):
    from analytics.scenario.cents import row_cents
    from analytics.scenario.engine import customer_effects, pnl_after

    base, _ = kanthal_base
    scenario = KANTHAL_CONTRACT.with_changes(core_price_change_pct=2.0)
    terms = base.terms(scenario)
    effects = customer_effects(base, scenario, terms)
    after = pnl_after(base, scenario, terms, effects)
    cents = row_cents(base, effects, after)
    unsaved = cents["stranded"].sum() / 100
    result = base.run(scenario)
    assert result.pnl["profit_after"].tolist() == after.profit.tolist()
    assert result.pnl["fee_revenue"].tolist() == after.fee_revenue.tolist()
    assert result.figures["unsaved_capacity_cost"] == unsaved
    assert result.figures["profit_after"] == pytest.approx(
        after.profit.sum() - unsaved, abs=0.005)
