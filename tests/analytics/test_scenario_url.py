"""A pricing scenario in the URL: known answers, bad values ignored one by one, and the
round trip decode(encode(s)) == s over random valid scenarios (also through a real
query string, as a browser sends it)."""

import math
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.quadrants import QUADRANTS
from analytics.scenario import MenuItem, Scenario, Scope
from analytics.scenario.url import (
    INPUT_RANGES,
    MENU_URL_RANGES,
    decode,
    encode,
    is_scenario_key,
    number_text,
    query_string,
)

PAGE_DEFAULT = Scenario("My scenario")
ACTIVITIES = ["Order entry (manual)", "Order change", "Support call", "Sales visit"]


def kanthal_fix() -> Scenario:
    return Scenario(
        name="Kanthal fix",
        menu=(MenuItem("Order change", fee_per_unit=45.0, usage_response_pct=30.0),
              MenuItem("Support call", rate_change_pct=-40.0)),
        core_price_change_pct=2.5,
        minimum_order_value=1500.0,
        small_order_fee=25.0,
        consolidation_pct=50.0,
        order_activity="Order entry (manual)",
        capacity_follows_usage=True,
        at_risk_pct=12.5,
        scope=Scope.quadrant("aggressive", "bargain_basement"),
        core_volume_elasticity=-0.5,
        at_risk_defection_pct=20.0,
    )


# --- known answers --------------------------------------------------------------------

def test_the_default_scenario_has_no_parameters():
    assert encode(PAGE_DEFAULT, PAGE_DEFAULT) == {}
    assert encode(Scenario()) == {}
    assert decode({}, PAGE_DEFAULT).scenario == PAGE_DEFAULT


def test_known_encoding_of_a_full_scenario():
    params = encode(kanthal_fix(), PAGE_DEFAULT)
    assert params == {
        "name": "Kanthal fix",
        "core": "2.5",
        "elastic": "-0.5",
        "risk": "12.5",
        "defect": "20",
        "min": "1500",
        "sof": "25",
        "cons": "50",
        "capacity": "cut",
        "orders": "Order entry (manual)",
        "scope": ["quadrant:aggressive", "quadrant:bargain_basement"],
        "fee.Order change": "45",
        "resp.Order change": "30",
        "rate.Support call": "-40",
    }
    assert query_string(params) == (
        "name=Kanthal%20fix&core=2.5&elastic=-0.5&risk=12.5&defect=20&min=1500&sof=25"
        "&cons=50&capacity=cut&orders=Order%20entry%20%28manual%29"
        "&scope=quadrant%3Aaggressive&scope=quadrant%3Abargain_basement"
        "&fee.Order%20change=45&resp.Order%20change=30&rate.Support%20call=-40"
    )
    assert decode(params, PAGE_DEFAULT, activities=ACTIVITIES).scenario == kanthal_fix()


def test_a_neutral_menu_item_and_the_kept_capacity_are_written_when_not_default():
    s = Scenario("My scenario", menu=(MenuItem("Sales visit"),))
    assert encode(s, PAGE_DEFAULT) == {"fee.Sales visit": "0"}
    cut = Scenario("My scenario", capacity_follows_usage=True)
    assert encode(PAGE_DEFAULT, cut.with_changes(menu=())) == {"capacity": "kept"}


def test_bad_values_are_ignored_one_by_one_and_the_rest_applies():
    decoded = decode(
        {
            "core": "2.5",              # valid
            "risk": "abc",              # garbled
            "elastic": "-3",            # below the slider's -2
            "defect": "nan",            # not a number (the strict pattern)
            "capacity": "cut",          # valid
            "fee.Order change": "45",   # valid
            "fee.Forklift": "10",       # not an activity of this dataset
            "resp.Order change": "150",  # out of 0-100
            "rate.Support call": "inf",  # not a number
            "scope": ["segment:Retail", "segment:Ghost"],
            "start": "2024-01-01",      # the sidebar's: not ours, not reported
            "segment": "Retail",
        },
        PAGE_DEFAULT, activities=ACTIVITIES, segments=["Retail", "Wholesale"],
    )
    assert decoded.scenario == Scenario(
        "My scenario", core_price_change_pct=2.5, capacity_follows_usage=True,
        menu=(MenuItem("Order change", fee_per_unit=45.0),),
        scope=Scope.segment("Retail"),
    )
    assert decoded.ignored == (
        "risk=abc (not a number)",
        "elastic=-3 (must be between -2 and 0)",
        "defect=nan (not a number)",
        "fee.Forklift=10 (Forklift is not an activity of this dataset)",
        "resp.Order change=150 (must be between 0 and 100)",
        "rate.Support call=inf (not a number)",
        "scope=segment:Ghost (Ghost is not a segment of this dataset)",
    )
    assert decoded.note().startswith("Ignored in the link: risk=abc (not a number); ")
    assert decoded.note().endswith(". The rest of the link applies.")


def test_scope_problems():
    mixed = decode({"scope": ["quadrant:aggressive", "segment:Retail"]})
    assert mixed.scenario.scope == Scope()
    assert mixed.ignored == ("scope=quadrant:aggressive&scope=segment:Retail (one kind of "
                             "scope at a time)",)
    unknown = decode({"scope": "planet:mars"})
    assert unknown.ignored == ("scope=planet:mars (the kind must be one of all, quadrant, "
                               "segment, customers)",)
    nobody = decode({"scope": "customers:C9"}, customers=["C1", "C2"])
    assert nobody.scenario.scope == Scope()
    assert nobody.ignored == ("scope=customers:C9 (C9 is not a customer of this dataset)",)
    quadrant = decode({"scope": ["quadrant:passive", "quadrant:Passive"]})
    assert quadrant.scenario.scope == Scope.quadrant("passive")
    assert quadrant.ignored == ("scope=quadrant:Passive (Passive is not a quadrant)",)
    twice = decode({"scope": ["segment:S", "segment:S"]}, segments=["S"])
    assert twice.scenario.scope == Scope.segment("S") and not twice.ignored
    # A customer id may hold a colon: only the first one splits kind from value.
    colon = decode({"scope": "customers:A:1"}, customers=["A:1"])
    assert colon.scenario.scope == Scope.customers(["A:1"]) and not colon.ignored


def test_small_order_values_need_a_minimum_order_and_order_ids():
    alone = decode({"sof": "25", "cons": "50", "orders": "Order change"},
                   activities=ACTIVITIES)
    assert alone.scenario == Scenario()
    assert alone.ignored == (
        "sof=25 (a small-order surcharge needs a minimum order: min=)",
        "cons=50 (consolidation needs a minimum order: min=)",
        "orders=Order change (the activity that counts orders needs a minimum order: min=)",
    )
    no_ids = decode({"min": "1500", "sof": "25"}, orders_known=False)
    assert no_ids.scenario == Scenario()
    assert no_ids.ignored == ("min=1500 (transactions have no order ids)",
                              "sof=25 (a small-order surcharge needs a minimum order: min=)")
    both = decode({"min": "1500", "sof": "25", "orders": "Order change"},
                  activities=ACTIVITIES)
    assert (both.scenario.minimum_order_value, both.scenario.small_order_fee,
            both.scenario.order_activity, both.ignored) == (1500.0, 25.0, "Order change", ())


def test_a_saved_scenario_as_the_base_is_changed_by_the_parameters():
    saved = kanthal_fix()
    decoded = decode({"core": "3", "fee.Order change": "50", "min": "0"}, saved)
    expected = saved.with_changes(core_price_change_pct=3.0, minimum_order_value=0.0,
                                  small_order_fee=0.0, consolidation_pct=0.0,
                                  order_activity=None).with_item("Order change",
                                                                 fee_per_unit=50.0)
    assert decoded.scenario == expected and not decoded.ignored


def test_repeated_keys_names_and_values_that_do_not_go_together():
    assert decode({"core": ["1", "2"]}).ignored == ("core=2 (given 2 times)",)
    assert decode({"name": "  "}).ignored == ("name=   (must be 1 to 120 characters)",)
    assert decode({"name": "x" * 121}).scenario.name == "Scenario"
    assert decode({"capacity": "yes"}).ignored == ("capacity=yes (must be kept or cut)",)
    # A saved scenario outside the page's ranges: a steep response makes it impossible.
    steep = Scenario(core_price_change_pct=80.0)
    decoded = decode({"elastic": "-2"}, steep)
    assert decoded.scenario == steep
    assert decoded.ignored[0].startswith("the link's values together (a core price change")


def test_keys_and_numbers():
    assert [is_scenario_key(k) for k in
            ("name", "min", "scope", "scenario", "rate.X", "fee.", "start", "region",
             "compare", "fee", "feex.Y")] == [
        True, True, True, True, True, True, False, False, False, False, False]
    assert [number_text(v) for v in (-40.0, 0.5, 1500.0, 1e-300, -2.0)] == [
        "-40", "0.5", "1500", "1e-300", "-2"]


# --- round trip over random valid scenarios -------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)


def in_range(low: float, high: float):
    return st.floats(low, min(high, 1e9), allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> Scenario:
    activities = draw(st.lists(TEXT, max_size=5, unique=True))
    menu = []
    for activity in activities:
        terms = {
            "fee_per_unit": draw(in_range(*MENU_URL_RANGES["fee"])),
            "usage_response_pct": draw(in_range(*MENU_URL_RANGES["resp"])),
            "rate_change_pct": draw(in_range(*MENU_URL_RANGES["rate"])),
        }
        zeroed = draw(st.sets(st.sampled_from(sorted(terms))))
        menu.append(MenuItem(activity, **{k: 0.0 if k in zeroed else v
                                          for k, v in terms.items()}))
    kind = draw(st.sampled_from(["all", "quadrant", "segment", "customers"]))
    if kind == "all":
        scope = Scope()
    elif kind == "quadrant":
        scope = Scope.quadrant(*draw(st.lists(st.sampled_from(QUADRANTS), min_size=1,
                                              unique=True)))
    else:
        scope = Scope(kind, tuple(draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))))
    minimum = draw(st.one_of(st.just(0.0), in_range(*INPUT_RANGES["min"])))
    small = {}
    if minimum:
        small = {"small_order_fee": draw(in_range(*INPUT_RANGES["sof"])),
                 "consolidation_pct": draw(in_range(*INPUT_RANGES["cons"])),
                 "order_activity": draw(st.one_of(st.none(), TEXT))}
    name = draw(st.one_of(st.just("My scenario"),
                          TEXT.filter(lambda t: bool(t.strip()))))
    return Scenario(
        name=name, menu=tuple(menu),
        core_price_change_pct=draw(in_range(*INPUT_RANGES["core"])),
        core_volume_elasticity=draw(in_range(*INPUT_RANGES["elastic"])),
        at_risk_pct=draw(in_range(*INPUT_RANGES["risk"])),
        at_risk_defection_pct=draw(in_range(*INPUT_RANGES["defect"])),
        capacity_follows_usage=draw(st.booleans()),
        minimum_order_value=minimum, scope=scope, **small,
    )


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_decode_encode_round_trip(scenario):
    params = encode(scenario, PAGE_DEFAULT)
    decoded = decode(params, PAGE_DEFAULT)
    assert decoded.scenario == scenario
    assert decoded.ignored == ()
    # Only what differs from the page's default is written.
    assert ("name" in params) == (scenario.name != "My scenario")
    assert ("core" in params) == (scenario.core_price_change_pct != 0)
    assert ("scope" in params) == (scenario.scope.kind != "all")


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_round_trip_through_a_query_string(scenario):
    """As a browser sends it back: percent-encoded text, parsed by the standard library."""
    query = query_string(encode(scenario, PAGE_DEFAULT))
    assert "+" not in query and " " not in query
    parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    assert decode(parsed, PAGE_DEFAULT).scenario == scenario


KEYS = st.sampled_from(["name", "core", "elastic", "risk", "defect", "min", "sof",
                        "cons", "capacity", "orders", "scope", "fee.A", "resp.A",
                        "rate.B", "fee.Z", "start", "segment"])
VALUES = st.one_of(TEXT, st.floats(allow_nan=True).map(repr),
                   st.sampled_from(["cut", "kept", "quadrant:passive", "segment:S",
                                    "customers:C1", "all", "A", "-0", "1e400"]))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, st.lists(VALUES, min_size=1, max_size=3)))
def test_any_parameters_give_a_valid_scenario_within_the_page_ranges(params):
    decoded = decode(params, PAGE_DEFAULT, activities=["A", "B"], segments=["S"],
                     customers=["C1"])
    s = decoded.scenario
    for key, (low, high) in INPUT_RANGES.items():
        field = {"core": "core_price_change_pct", "elastic": "core_volume_elasticity",
                 "risk": "at_risk_pct", "defect": "at_risk_defection_pct",
                 "min": "minimum_order_value", "sof": "small_order_fee",
                 "cons": "consolidation_pct"}[key]
        assert low <= getattr(s, field) <= high and math.isfinite(getattr(s, field))
    assert {i.activity for i in s.menu} <= {"A", "B"}
    assert s.order_activity in (None, "A", "B")
    # Every parameter of ours is either applied or named once: re-encoding and
    # decoding what was applied ignores nothing.
    assert decode(encode(s, PAGE_DEFAULT), PAGE_DEFAULT).scenario == s
    named = {entry.split("=")[0] for entry in decoded.ignored}
    assert not named & {"start", "segment"}


@pytest.mark.parametrize("text", ["2,5", "2.5%", "0x10", "1_000", " ", "", "--1", "1e"])
def test_garbled_numbers_are_refused(text):
    assert decode({"core": text}).ignored == (f"core={text} (not a number)",)
