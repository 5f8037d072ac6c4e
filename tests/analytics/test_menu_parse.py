"""The one menu parser (analytics.scenario.menu_parse): what the command line's menu
file and the Pricing page's menu table both go through."""

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.scenario import (
    MENU_RANGES,
    MenuItem,
    MenuProblem,
    ParsedMenu,
    parse_menu,
    parse_menu_table,
)
from tests.bad_menus import BAD_MENUS, HEADER

ACTIVITIES = ("Order change", "Expedited delivery", "Technical support case")


def test_a_good_menu_known_answer():
    rows = [
        {"activity": " Order change ", "fee_per_unit": "40", "usage_response_pct": "30",
         "rate_change_pct": ""},
        {},  # a blank line is skipped
        {"activity": "Technical support case", "fee_per_unit": 0, "usage_response_pct": 0.0,
         "rate_change_pct": -40.0},
        {"activity": "Expedited delivery", "fee_per_unit": float("nan")},
    ]
    parsed = parse_menu(rows, ACTIVITIES, first_line=2)
    assert parsed.ok
    assert parsed.items == (
        MenuItem("Order change", 40.0, 30.0, 0.0),
        MenuItem("Technical support case", 0.0, 0.0, -40.0),
        MenuItem("Expedited delivery", 0.0, 0.0, 0.0),
    )


def test_the_bounds_themselves_are_accepted():
    row = {"activity": "Order change", "fee_per_unit": "0", "usage_response_pct": "100",
           "rate_change_pct": "-100"}
    assert parse_menu([row]).items == (MenuItem("Order change", 0.0, 100.0, -100.0),)


def test_every_problem_is_listed_with_its_line_column_and_value():
    rows = [{"activity": "", "fee_per_unit": "5"},
            {"activity": "Order change", "fee_per_unit": "-1", "usage_response_pct": "101",
             "rate_change_pct": "abc"}]
    assert parse_menu(rows, first_line=2).problems == (
        MenuProblem(2, "an activity name is needed", "activity"),
        MenuProblem(3, "must be 0 or more", "fee_per_unit", "-1"),
        MenuProblem(3, "must be between 0 and 100", "usage_response_pct", "101"),
        MenuProblem(3, "is not a number", "rate_change_pct", "abc"),
    )


def as_table(rows) -> pd.DataFrame:
    """The page's menu table holding ``rows`` (numbers where the text is one)."""
    def cell(text):
        try:
            return float(text)
        except ValueError:
            return text
    return pd.DataFrame([[r[0], 1.0, *(cell(t) for t in r[1:])] for r in rows],
                        columns=["activity", "rate", *HEADER[1:]])


@pytest.mark.parametrize("case", BAD_MENUS)
def test_file_rows_and_the_page_table_get_the_same_refusal(case):
    # The command line reads text (header on line 1), the page a table of numbers
    # (rows from 1): the same sentence, only the place named differs.
    from_file = parse_menu([dict(zip(HEADER, r, strict=True)) for r in case.rows], ACTIVITIES,
                           first_line=2)
    assert from_file.refusal("bad.csv").startswith(case.refusal("bad.csv", case.bad + 2))
    assert len(from_file.problems) == 1
    # The good rows still read (the CLI refuses the file all the same).
    assert from_file.items == tuple(MenuItem(r[0], *map(float, r[1:]))
                                    for i, r in enumerate(case.rows) if i != case.bad)
    if case.on_page:
        from_page = parse_menu_table(as_table(case.rows), ACTIVITIES)
        assert from_page.refusal("Service menu", "row") == case.refusal(
            "Service menu", case.bad + 1, "row")
        assert from_page.items == from_file.items


numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@given(fee=numbers, response=numbers, change=numbers, as_text=st.booleans())
def test_nothing_is_ever_clamped(fee, response, change, as_text):
    # A value is kept exactly or refused with a problem naming its column: never moved.
    values = {"fee_per_unit": fee, "usage_response_pct": response, "rate_change_pct": change}
    row = {"activity": "Order change",
           **{k: (repr(v) if as_text else v) for k, v in values.items()}}
    parsed = parse_menu([row])
    outside = {k for k, v in values.items()
               if not MENU_RANGES[k][0] <= v <= MENU_RANGES[k][1]}
    assert {p.column for p in parsed.problems} == outside
    if outside:
        assert parsed.items == ()
    else:
        assert parsed.items == (MenuItem("Order change", fee, response, change),)


def test_a_refused_number_reads_as_typed():
    parsed = parse_menu([{"activity": "A", "fee_per_unit": -2.5,
                          "rate_change_pct": -math.inf}])
    assert parsed.refusal("m", "row").splitlines() == [
        'm row 1, fee_per_unit: "-2.5" must be 0 or more',
        'm row 1, rate_change_pct: "-inf" is not a finite number',
    ]
    assert ParsedMenu((), ()).refusal("m") == ""
