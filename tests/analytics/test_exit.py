"""Exit or transform (issue 10, item 4): known answers by hand and invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import analyse
from analytics.exit import choose, exit_outcome, exit_sentences, transform_outcome
from analytics.money import to_cents
from analytics.scenario import Scenario, ScenarioBase

# Kaplan & Anderson's customer-service department, one quarter (DOMAIN.md §3):
# $560,000 for 700,000 practical minutes ($0.80 a minute); an order takes 40 minutes ($32),
# a complaint 220 ($176), a credit check 250 ($200); 9,800 orders, 280 complaints and 500
# credit checks use 578,600 minutes, leaving $97,120 unused. Split over three customers:
KA_RESOURCES = pd.DataFrame(
    {"resource": ["Customer service"], "cost": [560_000.0], "capacity": [700_000.0]})
KA_RATES = pd.DataFrame({
    "activity": ["Order", "Complaint", "Credit check"],
    "resource": ["Customer service"] * 3,
    "unit_time": [40.0, 220.0, 250.0],
})
KA_IDS = pd.Index(["Demanding", "Easy", "Rest"], name="customer_id")
KA_VOLUMES = pd.DataFrame({
    "Order": [2.0, 10.0, 9_788.0],
    "Complaint": [5.0, 0.0, 275.0],
    "Credit check": [0.0, 1.0, 499.0],
}, index=KA_IDS)
# Demanding: net margin 1,000 - 400 = 600; cost to serve 2 x 32 + 5 x 176 = 944: loses 344.
KA_CUSTOMERS = pd.DataFrame({
    "list_revenue": [1_000.0, 2_000.0, 1_000_000.0],
    "net_revenue": [1_000.0, 2_000.0, 1_000_000.0],
    "cogs": [400.0, 1_000.0, 400_000.0],
    "name": ["Demanding Ltd", "Easy plc", "Everybody else"],
}, index=KA_IDS)


def ka(resources=KA_RESOURCES, customers=KA_CUSTOMERS, volumes=KA_VOLUMES):
    return analyse(customers, volumes, KA_RATES, resources)


def profit_after_capacity(analysis) -> float:
    """Company profit once unused capacity is paid for."""
    return analysis.summary()["profit_after_unused_capacity"]


def test_kaplan_anderson_department_as_published():
    today = ka()
    assert today.capacity["used"].iloc[0] == pytest.approx(578_600.0)
    assert today.unused_capacity_cost == pytest.approx(97_120.0)
    assert today.pnl.loc["Demanding", "profit"] == pytest.approx(-344.0)


def test_kaplan_anderson_exit_of_a_loss_making_customer():
    today = ka()
    out = exit_outcome(today, KA_VOLUMES, choose(today.pnl, customers=["Demanding"]))
    s = out.summary()
    assert s["customers"] == 1
    assert (s["revenue_lost"], s["cogs_saved"]) == (1_000.0, 400.0)
    # Every activity is timed: nothing is avoidable, the whole cost to serve is stranded.
    assert s["avoidable_cost_saved"] == 0.0
    assert s["capacity_cost_stranded"] == 944.0
    # Capacity kept: profit falls by its net margin; capacity cut: it rises by its loss.
    assert s["profit_change_capacity_kept"] == -600.0
    assert s["profit_change_capacity_cut"] == 344.0
    # Break even: cut $600 of the $944, i.e. 750 of its 1,180 minutes at $0.80.
    assert s["break_even"]["status"] == "partial"
    assert s["break_even"]["cut_cost"] == 600.0
    [resource] = s["capacity_to_cut"]
    assert resource["resource"] == "Customer service"
    assert resource["stranded_time"] == 2 * 40 + 5 * 220
    assert resource["stranded_cost"] == 944.0
    assert resource["break_even_cut_cost"] == 600.0
    assert resource["break_even_cut_time"] == 750.0
    assert out.sentences()[0] == (
        "Company profit falls by $600.00 if they leave and no capacity is cut.")
    assert "rises by $344.00" in out.sentences()[1]


def test_kaplan_anderson_exit_matches_the_department_without_the_customer():
    """Independently: the analysis of the two customers who stay, with the department as it
    is (capacity kept) and with the leaver's 1,180 minutes cut ($944 at $0.80)."""
    today = ka()
    out = exit_outcome(today, KA_VOLUMES, choose(today.pnl, customers=["Demanding"]))
    stay = ["Easy", "Rest"]
    kept = ka(customers=KA_CUSTOMERS.loc[stay], volumes=KA_VOLUMES.loc[stay])
    smaller = KA_RESOURCES.assign(cost=[560_000.0 - 944.0], capacity=[700_000.0 - 1_180.0])
    cut = ka(resources=smaller, customers=KA_CUSTOMERS.loc[stay],
             volumes=KA_VOLUMES.loc[stay])
    before = profit_after_capacity(today)
    assert profit_after_capacity(kept) - before == pytest.approx(
        out.summary()["profit_change_capacity_kept"])
    assert profit_after_capacity(cut) - before == pytest.approx(
        out.summary()["profit_change_capacity_cut"])


# A hand-built mixed table: two resources, one direct-cost activity.
# CS: $1,000 / 2,000 min = $0.50; Order 10 min = $5.  WH: $3,000 / 1,000 min = $3; Pick 2 min
# = $6.  Freight: $7 a shipment, no resource (avoidable).
MIX_RESOURCES = pd.DataFrame({"resource": ["CS", "WH"], "cost": [1_000.0, 3_000.0],
                              "capacity": [2_000.0, 1_000.0]})
MIX_RATES = pd.DataFrame({
    "activity": ["Order", "Pick", "Freight"],
    "resource": ["CS", "WH", None],
    "unit_time": [10.0, 2.0, None],
    "cost_per_unit": [None, None, 7.0],
})
MIX_IDS = pd.Index(["X", "Y", "Z", "W"], name="customer_id")
MIX_VOLUMES = pd.DataFrame({
    "Order": [4.0, 2.0, 1.0, 1.0],
    "Pick": [5.0, 5.0, 1.0, 0.0],
    "Freight": [2.0, 3.0, 1.0, 2.0],
}, index=MIX_IDS)
MIX_CUSTOMERS = pd.DataFrame({
    "list_revenue": [200.0, 100.0, 500.0, 50.0],
    "net_revenue": [200.0, 100.0, 500.0, 50.0],
    "cogs": [120.0, 70.0, 200.0, 40.0],
    "segment": ["Retail", "Retail", "OEM", "OEM"],
}, index=MIX_IDS)


def mix():
    return analyse(MIX_CUSTOMERS, MIX_VOLUMES, MIX_RATES, MIX_RESOURCES)


def test_mixed_table_by_hand():
    today = mix()
    out = exit_outcome(today, MIX_VOLUMES, choose(today.pnl, customers=["Y", "X"]))
    s = out.summary()
    # X: 200 - 120 - freight 14 - order 20 - pick 30 = 16; Y: 100 - 70 - 21 - 10 - 30 = -31.
    assert out.customers["customer_id"].tolist() == ["X", "Y"]
    assert out.customers["avoidable_cost"].tolist() == [14.0, 21.0]
    assert out.customers["stranded_capacity_cost"].tolist() == [50.0, 40.0]
    assert out.customers["profit"].tolist() == [16.0, -31.0]
    assert out.customers["profit_change_capacity_kept"].tolist() == [-66.0, -9.0]
    assert out.customers["profit_change_capacity_cut"].tolist() == [-16.0, 31.0]
    assert (s["revenue_lost"], s["cogs_saved"], s["avoidable_cost_saved"]) == (300.0, 190.0,
                                                                             35.0)
    assert s["capacity_cost_stranded"] == 90.0
    assert (s["profit_change_capacity_kept"], s["profit_change_capacity_cut"]) == (-75.0, 15.0)
    # The $75 loss with capacity kept, over CS ($30 stranded) and WH ($60) in proportion.
    table = out.resources.set_index("resource")
    assert table["stranded_time"].to_dict() == {"CS": 60.0, "WH": 20.0}
    assert table["stranded_cost"].to_dict() == {"CS": 30.0, "WH": 60.0}
    assert table["break_even_cut_cost"].to_dict() == {"CS": 25.0, "WH": 50.0}
    assert table["break_even_cut_time"].to_dict() == {"CS": 50.0, "WH": 16.67}
    assert s["break_even"]["status"] == "partial"


def test_a_profitable_customer_cannot_be_cut_to_break_even():
    today = mix()
    s = exit_outcome(today, MIX_VOLUMES, choose(today.pnl, customers=["X"])).summary()
    assert s["break_even"]["status"] == "not_enough"
    assert s["break_even"]["shortfall_after_cutting_all"] == 16.0
    sentences = exit_sentences(s)
    assert sentences[0] == "Company profit falls by $66.00 if they leave and no capacity is cut."
    assert "is not enough: company profit still falls by $16.00" in sentences[2]


def test_no_cut_needed_when_avoidable_cost_exceeds_the_margin():
    today = mix()
    # W: 50 - 40 - freight 14 = -4 before its $5 of capacity: leaving pays even kept.
    s = exit_outcome(today, MIX_VOLUMES, choose(today.pnl, customers=["W"])).summary()
    assert (s["profit_change_capacity_kept"], s["profit_change_capacity_cut"]) == (4.0, 9.0)
    assert s["break_even"]["status"] == "not_needed"
    assert [r["break_even_cut_cost"] for r in s["capacity_to_cut"]] == [0.0]
    assert exit_sentences(s)[0] == (
        "Company profit rises by $4.00 if they leave and no capacity is cut.")


def test_selectors():
    today = mix()
    pnl = today.pnl
    # Profits: X 16, Y -31, Z 282, W -9 -> least profitable first: Y, W, X, Z.
    assert choose(pnl, bottom_pct=25).ids.tolist() == ["Y"]
    assert choose(pnl, bottom_pct=26).ids.tolist() == ["Y", "W"]  # rounded up
    assert choose(pnl, bottom_pct=100).ids.tolist() == list(MIX_IDS)
    assert choose(pnl, segment="OEM").ids.tolist() == ["Z", "W"]
    quadrant = pnl.loc["Y", "quadrant"]
    assert "Y" in choose(pnl, quadrant=quadrant).ids
    assert set(choose(pnl, quadrant=quadrant).ids) == set(pnl.index[pnl["quadrant"] == quadrant])
    with pytest.raises(ValueError, match="unknown customer\\(s\\): NOPE, ALSO"):
        choose(pnl, customers=["X", "NOPE", "ALSO"])
    with pytest.raises(ValueError, match="unknown segment: Nope"):
        choose(pnl, segment="Nope")
    with pytest.raises(ValueError, match="unknown quadrant"):
        choose(pnl, quadrant="whales")
    with pytest.raises(ValueError, match="bottom %"):
        choose(pnl, bottom_pct=0)
    with pytest.raises(ValueError, match="one way"):
        choose(pnl, segment="OEM", quadrant=quadrant)


def test_bottom_pct_ties_go_by_customer_id_in_whole_cents():
    pnl = pd.DataFrame({"profit": [-867.49, -867.4899999999998, 10.0]},
                       index=pd.Index(["A", "B", "C"], name="customer_id"))
    # Equal in cents (as floats B is higher, which would make A the tail): the ranking puts
    # A before B, so the least profitable one is B.
    assert choose(pnl, bottom_pct=33).ids.tolist() == ["B"]  # 0.99 of 3: one


def test_transform_scopes_the_scenario_and_gives_both_changes():
    today = mix()
    base = ScenarioBase.build(today, MIX_VOLUMES)
    # A $6 pick fee that halves picking: for X and Y only.
    scenario = Scenario("Pick fee").with_item("Pick", fee_per_unit=6.0, usage_response_pct=50.0)
    out = transform_outcome(base, scenario, ["X", "Y"])
    assert out["scenario"].scope.values == ("X", "Y")
    assert out["result"].figures["customers_in_scope"] == 2
    # Fees: 6 x 2.5 x 2 = 30. Cut: 5 picks of $6 = 30 saved too. Kept: the $30 stays idle.
    assert out["profit_change_capacity_kept"] == pytest.approx(30.0)
    assert out["profit_change_capacity_cut"] == pytest.approx(60.0)
    assert out["result"].pnl.loc["Z", "profit_after"] == today.pnl.loc["Z", "profit"]


# -- invariants ---------------------------------------------------------------------------

@st.composite
def mixed_bases(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    cents = st.integers(min_value=-10**7, max_value=10**8)
    ids = pd.Index([f"C{i:02d}" for i in range(n)], name="customer_id")
    net = np.array(draw(st.lists(cents, min_size=n, max_size=n)), dtype=float) / 1000
    cogs = np.array(draw(st.lists(cents, min_size=n, max_size=n)), dtype=float) / 1000
    qty = st.floats(min_value=0, max_value=1e4, allow_nan=False)
    volumes = pd.DataFrame({a: draw(st.lists(qty, min_size=n, max_size=n))
                            for a in MIX_RATES["activity"]}, index=ids)
    unit = st.floats(min_value=0.01, max_value=100, allow_nan=False)
    rates = MIX_RATES.assign(unit_time=[draw(unit), draw(unit), None],
                             cost_per_unit=[None, None, draw(unit)])
    resources = MIX_RESOURCES.assign(
        cost=[draw(st.floats(0, 1e6, allow_nan=False)) for _ in range(2)],
        capacity=[draw(st.floats(1, 1e7, allow_nan=False)) for _ in range(2)])
    customers = pd.DataFrame({"list_revenue": net, "net_revenue": net, "cogs": cogs},
                             index=ids)
    picked = draw(st.lists(st.sampled_from(list(ids)), min_size=1, max_size=n))
    return analyse(customers, volumes, rates, resources), volumes, picked


@settings(max_examples=120, deadline=None)
@given(mixed_bases())
def test_rows_add_up_to_the_summary_and_kept_plus_stranded_is_cut(case):
    today, volumes, picked = case
    out = exit_outcome(today, volumes, choose(today.pnl, customers=picked))
    s = out.summary()
    rows = out.customers
    assert len(rows) == s["customers"] == len(set(picked))
    for column, key in (("net_revenue", "revenue_lost"), ("cogs", "cogs_saved"),
                        ("avoidable_cost", "avoidable_cost_saved"),
                        ("stranded_capacity_cost", "capacity_cost_stranded"),
                        ("profit", "profit"),
                        ("profit_change_capacity_kept", "profit_change_capacity_kept"),
                        ("profit_change_capacity_cut", "profit_change_capacity_cut")):
        assert int(to_cents(rows[column].to_numpy()).sum()) == to_cents(s[key]), column
    c = {k: to_cents(s[k]) for k in ("profit_change_capacity_kept", "profit_change_capacity_cut",
                                      "capacity_cost_stranded", "profit")}
    # Cut - kept = stranded (the capacity cost that stays unless cut); cut = -profit.
    assert c["profit_change_capacity_cut"] - c["profit_change_capacity_kept"] == (
        c["capacity_cost_stranded"])
    assert c["profit_change_capacity_cut"] == -c["profit"]
    # Per row too, and avoidable + stranded is the cost to serve the P&L assigned.
    cents = {k: to_cents(rows[k].to_numpy()) for k in rows.columns[4:]}
    assert (cents["profit_change_capacity_cut"] - cents["profit_change_capacity_kept"]
            == cents["stranded_capacity_cost"]).all()
    assert (cents["avoidable_cost"] + cents["stranded_capacity_cost"]
            == to_cents(today.pnl.loc[rows["customer_id"], "cost_to_serve"].to_numpy())).all()
    # The resources' stranded cost adds up to the summary's; the break-even cut to the loss
    # with capacity kept whenever a cut is needed and possible.
    resources = out.resources
    assert int(to_cents(resources["stranded_cost"].to_numpy()).sum()) == (
        c["capacity_cost_stranded"])
    cut = int(to_cents(resources["break_even_cut_cost"].to_numpy()).sum())
    if s["break_even"]["status"] == "not_needed":
        assert cut == 0 and c["profit_change_capacity_kept"] >= 0
    elif c["capacity_cost_stranded"] > 0:
        assert cut == -c["profit_change_capacity_kept"]
