"""The Selection: what is being looked at, as one frozen value (analytics/selection.py)."""

import datetime as dt

import pytest

from analytics.selection import Selection

JAN, MAR = dt.date(2024, 1, 1), dt.date(2024, 3, 31)


def test_describe_known_answers():
    assert Selection().describe() == "all customers, whole period"
    assert Selection(JAN).describe() == "2024-01-01 to …"
    assert Selection(end=MAR).describe() == "… to 2024-03-31"
    both = Selection(JAN, MAR, segments=("Retail", "Wholesale"), regions=("North",))
    assert both.describe() == ("2024-01-01 to 2024-03-31; segments: Retail, Wholesale; "
                               "regions: North")
    assert Selection(regions=["East"]).describe() == "regions: East"


def test_describe_names_thresholds_and_comparison_only_when_set():
    s = Selection(JAN, MAR)
    assert s.with_thresholds("median").describe() == "2024-01-01 to 2024-03-31"
    assert s.with_thresholds("mean").describe() == "2024-01-01 to 2024-03-31; thresholds: means"
    assert s.with_thresholds("custom", 12.5, -3).describe() == (
        "2024-01-01 to 2024-03-31; thresholds: net margin 12.5%, cost to serve -3%")
    compared = s.with_comparison(dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    assert compared.describe() == ("2024-01-01 to 2024-03-31; compared with 2023-01-01 to "
                                   "2023-03-31")
    assert compared.has_comparison and not s.has_comparison


def test_equal_choices_are_one_cache_key():
    a = Selection(JAN, MAR, segments=["Retail"], regions=("North",))
    b = Selection(dt.date(2024, 1, 1), "2024-03-31", segments=("Retail",), regions=["North"])
    assert a == b and hash(a) == hash(b)
    cache = {a: "cached"}
    assert cache[b] == "cached"
    assert Selection(JAN, MAR, segments=("Retail",)) != a  # a region less: another key
    assert a.with_thresholds("mean") != a
    assert a.with_thresholds("mean").filters == a  # the data part is the same
    assert a.with_comparison(JAN, MAR).filters == a
    assert a.period_only == Selection(JAN, MAR)
    assert len({a, b, a.with_thresholds("mean"), a.period_only}) == 3


def test_methods_return_new_selections():
    s = Selection(JAN, MAR, segments=("Retail",))
    moved = s.with_period(dt.date(2024, 2, 1), None)
    assert (moved.start, moved.end, moved.segments) == (dt.date(2024, 2, 1), None, ("Retail",))
    assert (s.start, s.end) == (JAN, MAR)
    assert s.with_filters(regions=["South"]).regions == ("South",)
    assert s.with_filters(regions=["South"]).segments == ()
    with pytest.raises(AttributeError):
        s.start = MAR  # frozen


def test_store_args_and_thresholds_unpack():
    s = Selection(JAN, None, regions=("North",)).with_thresholds("custom", 20, 10)
    assert s.store_args() == {"start": JAN, "end": None, "segments": None,
                              "regions": ["North"]}
    assert s.thresholds == {"method": "custom", "net_margin_pct": 20.0,
                            "cost_to_serve_pct": 10.0}
    assert Selection().thresholds == {"method": "median", "net_margin_pct": None,
                                      "cost_to_serve_pct": None}


def test_query_params():
    s = Selection(JAN, None, segments=("A", "B"))
    assert s.to_query_params() == {"start": "2024-01-01", "end": None,
                                   "segment": ["A", "B"], "region": None}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start": MAR, "end": JAN}, "the period ends (2024-01-01) before it starts (2024-03-31)"),
    ({"compare_start": MAR, "compare_end": JAN},
     "the comparison period ends (2024-01-01) before it starts (2024-03-31)"),
    ({"start": "31/03/2024"}, "start must be a date (YYYY-MM-DD), not '31/03/2024'"),
    ({"method": "mode"}, "method must be one of median, mean, custom, not 'mode'"),
    ({"method": "custom", "net_margin_pct": 10},
     "custom thresholds need both net_margin_pct and cost_to_serve_pct"),
    ({"method": "custom", "net_margin_pct": 10, "cost_to_serve_pct": float("nan")},
     "cost_to_serve_pct must be a finite number, not nan"),
    ({"net_margin_pct": 10, "cost_to_serve_pct": 5},
     "threshold percentages go with method 'custom', not 'median'"),
])
def test_refusals_say_why(kwargs, message):
    with pytest.raises(ValueError) as caught:
        Selection(**kwargs)
    assert str(caught.value) == message


def test_a_single_day_is_a_period():
    assert Selection(JAN, JAN).describe() == "2024-01-01 to 2024-01-01"
