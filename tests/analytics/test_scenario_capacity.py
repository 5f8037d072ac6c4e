"""Avoidable versus stranded cost, the core volume response and the rows to the cent
(issue 10, items 1 and 3): known answers by hand, and invariants on random bases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import analyse
from analytics.money import to_cents
from analytics.scenario import MONEY_COLUMNS, Scenario, ScenarioBase, Scope, cost_split_sentence
from tests.analytics.test_scenario import bases, scenarios

# Two customers; support is timed ($2 a minute, 30 minutes a call: $60 a call), freight
# is direct ($10 a delivery).
IDS = pd.Index(["A", "B"], name="customer_id")
CUSTOMERS = pd.DataFrame({"list_revenue": [10_000.0, 4_000.0],
                          "net_revenue": [10_000.0, 4_000.0],
                          "cogs": [6_000.0, 3_000.0]}, index=IDS)
VOLUMES = pd.DataFrame({"Support": [10.0, 20.0], "Freight": [50.0, 40.0]}, index=IDS)
RATES = pd.DataFrame({"activity": ["Support", "Freight"], "resource": ["Service", None],
                      "unit_time": [30.0, None], "cost_per_unit": [None, 10.0]})
RESOURCES = pd.DataFrame({"resource": ["Service"], "cost": [120_000.0],
                          "capacity": [60_000.0]})


@pytest.fixture
def base():
    return ScenarioBase.build(analyse(CUSTOMERS, VOLUMES, RATES, RESOURCES), VOLUMES)


def test_today_by_hand(base):
    # A: 10 x 60 + 50 x 10 = 1,100; profit 10,000 - 6,000 - 1,100 = 2,900.
    # B: 20 x 60 + 40 x 10 = 1,600; profit 4,000 - 3,000 - 1,600 = -600.
    assert base.cost_to_serve.tolist() == [1_100.0, 1_600.0]
    assert base.profit.tolist() == [2_900.0, -600.0]


def test_a_rate_cut_on_timed_work_is_stranded_until_capacity_is_cut(base):
    # Support online: 40 % cheaper. 30 calls x $60 x 40 % = $720 of capacity freed.
    f = base.run(Scenario("Online").with_item("Support", rate_change_pct=-40.0)).figures
    assert f["stranded_capacity_cost"] == 720.0 and f["avoidable_cost_saved"] == 0.0
    assert f["profit_change_capacity_kept"] == 0.0  # nobody has cut it: nothing saved
    assert f["profit_change_capacity_cut"] == 720.0
    assert f["profit_after"] == f["profit_after_capacity_kept"] == 2_300.0
    assert f["unsaved_capacity_cost"] == 720.0 and f["cost_saved"] == 720.0


def test_usage_cuts_and_rate_cuts_are_treated_alike(base):
    usage = base.run(Scenario().with_item("Support", fee_per_unit=1.0,
                                          usage_response_pct=40.0)).figures
    rate = base.run(Scenario().with_item("Support", rate_change_pct=-40.0)).figures
    assert usage["stranded_capacity_cost"] == rate["stranded_capacity_cost"] == 720.0
    # Only the fees differ: 18 calls x $1.
    assert usage["profit_change_capacity_kept"] - rate["profit_change_capacity_kept"] == 18.0


def test_a_direct_cost_cut_is_saved_at_once(base):
    f = base.run(Scenario().with_item("Freight", rate_change_pct=-50.0)).figures
    assert f["avoidable_cost_saved"] == 450.0 and f["stranded_capacity_cost"] == 0.0
    assert f["profit_change_capacity_kept"] == f["profit_change_capacity_cut"] == 450.0


def test_capacity_follows_usage_only_picks_the_headline(base):
    scenario = Scenario().with_item("Support", rate_change_pct=-40.0)
    kept = base.run(scenario).figures
    cut = base.run(scenario.with_changes(capacity_follows_usage=True)).figures
    assert cut["profit_after"] == cut["profit_after_capacity_cut"] == 3_020.0
    for key in ("profit_after_capacity_kept", "profit_after_capacity_cut",
                "stranded_capacity_cost"):
        assert kept[key] == cut[key]


def test_core_price_with_a_volume_response_by_hand(base):
    # +3 % with -2 % volume per 1 %: everyone keeps 94 % of its business.
    scenario = Scenario(core_price_change_pct=3.0, core_volume_elasticity=-2.0)
    result = base.run(scenario)
    pnl = result.pnl
    assert pnl["volume_kept_pct"].tolist() == pytest.approx([94.0, 94.0])
    # A: revenue 10,300 x 0.94 = 9,682; COGS 5,640; cost 1,034; profit 3,008.
    assert pnl.loc["A", "net_revenue_after"] == pytest.approx(9_682.0)
    assert pnl.loc["A", "cogs_after"] == pytest.approx(5_640.0)
    assert pnl.loc["A", "cost_to_serve_after"] == pytest.approx(1_034.0)
    assert pnl.loc["A", "profit_after"] == pytest.approx(3_008.0)
    # B: 4,120 x 0.94 = 3,872.80; COGS 2,820; cost 1,504; profit -451.20.
    assert pnl.loc["B", "profit_after"] == pytest.approx(-451.20)
    f = result.figures
    # On today's volume the price adds 300 + 120 = 420; losing 6 % of it: A's profit on
    # today's volume 3,200 and B's -480, times -6 %: -192 + 28.80 = -163.20.
    assert f["core_price_effect"] == 420.0 and f["volume_effect"] == -163.20
    # The support time lost (6 % of 30 calls x $60 = $108) stays as capacity; the
    # freight (6 % of 90 x $10 = $54) is saved.
    assert f["stranded_capacity_cost"] == 108.0 and f["avoidable_cost_saved"] == 54.0
    assert f["profit_after_capacity_cut"] == 3_008.0 - 451.20
    assert f["profit_after_capacity_kept"] == round(3_008.0 - 451.20 - 108.0, 2)
    # The bill change is priced on today's volume: 3 % each, so both pay more.
    assert f["customers_paying_more"] == 2
    bridge = result.bridge.set_index("key")["amount"]
    assert bridge["volume_response"] == -163.20 and bridge["unsaved_capacity"] == -108.0


def test_at_risk_defection_by_hand(base):
    # A $100 fee per call: A's bill rises 10 %, B's 50 %; at risk above 20 %: B only.
    scenario = Scenario(at_risk_pct=20.0, at_risk_defection_pct=50.0).with_item(
        "Support", fee_per_unit=100.0)
    result = base.run(scenario)
    pnl = result.pnl
    assert pnl["at_risk"].tolist() == [False, True]
    assert pnl["volume_kept_pct"].tolist() == [100.0, 50.0]
    # B on today's volume: 4,000 + 2,000 - 3,000 - 1,600 = 1,400; half of it stays.
    assert pnl.loc["B", "profit_after"] == 700.0
    f = result.figures
    assert f["volume_effect"] == -700.0
    assert f["stranded_capacity_cost"] == 600.0  # half of B's 20 calls x $60
    assert f["customers_at_risk"] == 1


def test_a_volume_response_beyond_all_of_it_is_refused():
    with pytest.raises(ValueError, match="more than all of it"):
        Scenario(core_price_change_pct=50.0, core_volume_elasticity=-3.0)
    with pytest.raises(ValueError, match="at_risk_defection_pct"):
        Scenario(at_risk_defection_pct=120.0)


def test_an_old_saved_scenario_reads_with_no_volume_response():
    old = {"name": "Old", "core_price_change_pct": 3.0}
    scenario = Scenario.from_dict(old)
    assert scenario.core_volume_elasticity == 0.0 and scenario.at_risk_defection_pct == 0.0


def test_cost_split_sentence_names_both_parts(base):
    f = base.run(Scenario().with_item("Support", rate_change_pct=-40.0)
                 .with_item("Freight", rate_change_pct=-50.0)).figures
    text = cost_split_sentence(f)
    assert "$450.00 of direct cost is saved" in text
    assert "$720.00 of capacity is freed" in text


# --- invariants ---------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_rows_add_up_to_the_summary_to_the_cent(data):
    base, _ = data.draw(bases())
    result = base.run(data.draw(scenarios(base)))
    rows = result.pnl_export()
    cents = {c: to_cents(rows[c].to_numpy()) for c in MONEY_COLUMNS}
    # Every row: revenue + fees - COGS - cost = profit, before and after.
    assert (cents["net_revenue_before"] - cents["cogs_before"] - cents["cost_to_serve_before"]
            == cents["profit_before"]).all()
    assert (cents["net_revenue_after"] + cents["fee_revenue"] - cents["cogs_after"]
            - cents["cost_to_serve_after"] == cents["profit_after"]).all()
    # Avoidable + stranded = the change in cost to serve, per row.
    assert (cents["avoidable_cost_saved"] + cents["stranded_capacity_cost"]
            == cents["cost_to_serve_before"] - cents["cost_to_serve_after"]).all()
    f = result.summary()
    totals = {c: int(v.sum()) for c, v in cents.items()}
    assert to_cents(f["profit_before"]) == totals["profit_before"]
    assert to_cents(f["profit_after_capacity_cut"]) == totals["profit_after"]
    assert to_cents(f["profit_after_capacity_kept"]) == (totals["profit_after"]
                                                         - totals["stranded_capacity_cost"])
    for column, key in (("fee_revenue", "fee_revenue"), ("net_revenue_after",
                        "net_revenue_after"), ("cogs_after", "cogs_after"),
                        ("cost_to_serve_after", "cost_to_serve_after"),
                        ("avoidable_cost_saved", "avoidable_cost_saved"),
                        ("stranded_capacity_cost", "stranded_capacity_cost")):
        assert to_cents(f[key]) == totals[column], key
    # The headline is one of the two outcomes.
    expected = ("profit_after_capacity_cut" if result.scenario.capacity_follows_usage
                else "profit_after_capacity_kept")
    assert f["profit_after"] == f[expected]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_kept_and_cut_differ_by_the_stranded_capacity(data):
    base, _ = data.draw(bases())
    f = base.run(data.draw(scenarios(base))).figures
    assert to_cents(f["profit_change_capacity_cut"]) - to_cents(
        f["profit_change_capacity_kept"]) == to_cents(f["stranded_capacity_cost"])
    # With no timed activity nothing is stranded.
    if not base.timed.any():
        assert f["stranded_capacity_cost"] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_scope_keeps_the_others_whole(data):
    base, _ = data.draw(bases())
    scenario = data.draw(scenarios(base)).with_changes(
        scope=Scope.customers([base.customer_ids[0]]), at_risk_defection_pct=0.0)
    pnl = base.run(scenario).pnl
    others = pnl.iloc[1:]
    assert (others["volume_kept_pct"] == 100.0).all()
    assert np.array_equal(others["profit_after"].to_numpy(), others["profit_before"].to_numpy())


# --- review findings ----------------------------------------------------------------------


def test_more_timed_work_strands_nothing_and_costs_in_both_outcomes(base):
    # Support 20 % dearer: 30 calls x $60 x 20 % = $360 more timed work. It frees no
    # capacity (stranded is never negative), so kept = cut = today - $360.
    f = base.run(Scenario().with_item("Support", rate_change_pct=20.0)).figures
    assert f["stranded_capacity_cost"] == 0.0
    assert f["avoidable_cost_saved"] == -360.0
    assert f["profit_change_capacity_kept"] == f["profit_change_capacity_cut"] == -360.0
    assert "$360.00 more is spent" in cost_split_sentence(f)


def test_a_customer_without_revenue_asked_to_pay_is_at_risk():
    ids = pd.Index(["A", "Z"], name="customer_id")
    customers = pd.DataFrame({"list_revenue": [1000.0, 0.0], "net_revenue": [1000.0, 0.0],
                              "cogs": [500.0, 0.0]}, index=ids)
    volumes = pd.DataFrame({"Support": [1.0, 2.0]}, index=ids)
    rates = pd.DataFrame({"activity": ["Support"], "cost_per_unit": [10.0]})
    base = ScenarioBase.build(analyse(customers, volumes, rates), volumes)
    result = base.run(Scenario(at_risk_pct=10.0).with_item("Support", fee_per_unit=5.0))
    # A pays 0.5 % more (not at risk); Z pays $10 on no revenue: at risk.
    assert result.pnl["at_risk"].tolist() == [False, True]
    assert result.figures["customers_at_risk"] == 1


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_at_risk_figures_add_up_from_the_rows(data):
    base, _ = data.draw(bases())
    result = base.run(data.draw(scenarios(base)))
    rows = result.pnl_export()
    risky = rows[rows["at_risk"]]
    f = result.figures
    assert to_cents(f["profit_at_stake"]) == int(to_cents(risky["profit_before"]).sum())
    assert to_cents(f["profit_after_at_risk"]) == int(to_cents(risky["profit_after"]).sum())
    assert (to_cents(rows["stranded_capacity_cost"]) >= 0).all()
