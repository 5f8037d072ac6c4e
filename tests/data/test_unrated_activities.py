"""The activity-without-a-rate problems (:func:`data.problems.unrated_activities`), one
builder for the DuckDB importer's wording (first line and row count known) and the Spark
engine's (the names only): known answers, the importer's own problems rebuilt, and the
bound on how many are named."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from data import Store
from data.problems import UNRATED_NAMED, DatasetError, Problem, unrated_activities


def test_the_importer_wording_with_lines_and_row_counts():
    problems = unrated_activities("activities.csv", "rates.csv",
                                  [("credit check", 4, 2), ("Site visit", 9, 1_234)])
    assert [str(p) for p in problems] == [
        'activities.csv line 4, activity: "credit check" has no rate in rates.csv (2 row(s))',
        'activities.csv line 9, activity: "Site visit" has no rate in rates.csv '
        "(1,234 row(s))",
    ]
    assert problems[0] == Problem("activities.csv", "has no rate in rates.csv (2 row(s))",
                                  line=4, column="activity", value="credit check")


def test_a_worksheet_says_row():
    (problem,) = unrated_activities("activities.xlsx", "rates.csv", [("Visit", 3, 1)],
                                    line_word="row")
    assert str(problem) == ('activities.xlsx row 3, activity: "Visit" has no rate in '
                            "rates.csv (1 row(s))")


def test_the_spark_wording_names_only():
    names = [(f"Task {i:02d}", None, None) for i in range(23)]
    problems = [str(p) for p in unrated_activities("activities.csv", "rates.csv", names)]
    assert len(problems) == 21
    assert problems[0] == 'activities.csv, activity: "Task 00" has no rate in rates.csv'
    assert problems[19] == 'activities.csv, activity: "Task 19" has no rate in rates.csv'
    assert problems[20] == "activities.csv, activity: 3 more activity name(s) have no rate"


def test_a_total_beyond_the_names_given_is_counted():
    # The importer fetches the first 20 names only and counts the rest apart.
    found = [(f"a{i}", i + 2, 1) for i in range(20)]
    problems = unrated_activities("acts.csv", "rates.csv", found, total=12_020)
    assert len(problems) == 21
    assert str(problems[-1]) == "acts.csv, activity: 12,000 more activity name(s) have no rate"
    assert unrated_activities("acts.csv", "rates.csv", found, total=20)[-1].value == "a19"
    assert unrated_activities("acts.csv", "rates.csv", []) == []


def test_it_rebuilds_the_duckdb_importers_problems(tmp_path):
    """The importer's problems for 25 unrated names (one row each, first on line 2) are
    exactly the builder's, so the importer can call it without a word changing."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "transactions.csv").write_text(
        "customer_id,date,net_revenue\nC1,2024-01-05,100\n", encoding="utf-8")
    (folder / "activities.csv").write_text(
        "customer_id,activity,quantity\n"
        + "".join(f"C1,task {i:02d},1\n" for i in range(25)), encoding="utf-8")
    (folder / "rates.csv").write_text("activity,cost_per_unit\norder,1\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    try:
        store.load_folder(folder)
    except DatasetError as error:
        said = error.problems
    else:
        raise AssertionError("a load with unrated activities was accepted")
    finally:
        store.close()
    found = [(f"task {i:02d}", i + 2, 1) for i in range(UNRATED_NAMED)]
    assert said == unrated_activities("activities.csv", "rates.csv", found, total=25)


@given(names=st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=60),
       extra=st.integers(0, 5_000), limit=st.integers(1, 30))
def test_named_then_counted(names, extra, limit):
    found = [(n, None, None) for n in names]
    total = len(names) + extra
    problems = unrated_activities("a.csv", "r.csv", found, total=total, limit=limit)
    named = min(len(names), limit)
    assert [p.value for p in problems[:named]] == names[:named]
    assert all(p.file == "a.csv" and p.column == "activity" for p in problems)
    rest = problems[named:]
    if total > named:
        assert [p.message for p in rest] == [f"{total - named:,} more activity name(s) "
                                             "have no rate"]
        assert rest[0].value is None
    else:
        assert rest == []
