"""The CSV writer formats a long table in slices on several threads
(:func:`analytics.export.write_table`): the same bytes as Arrow's writer in one call, the
header once, the rows in order; and the export's preparation (rounding, the formula
guard) leaves the caller's frame as it was."""

import datetime as dt
import io
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import export
from analytics.export import csv_bytes, neutralise, round_for_export, to_csv, write_table

# Formula-like text (also after a tab, CR, space or a format character), quotes, commas,
# line breaks, Unicode, a missing name; ints, money, a percentage, NaN, dates, flags.
TRICKY = pd.DataFrame({
    "customer_id": ["=1+1", "+x", "-x", "@x", "\t=1", "\r=1", "A,1", 'say "hi"', "7"],
    "name": ["Ünïcödé 中文 😀", "line\nbreak", "cr\rinside", None, "\u200b=cmd",
             " -2", "plain", "", "Acme, Inc."],
    "orders": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "profit": [1.005, -2.675, math.nan, 1e12 + 0.125, 0.0, -0.0, 3.0, 2.5, -1.0],
    "share_pct": [12.345678, math.nan, 100.0, 0.00006, 1 / 3, -5.5, 0.0, 99.99999, 1e-9],
    "first_date": [dt.date(2024, 1, 5), None, dt.date(1999, 12, 31), dt.date(2024, 2, 29),
                   dt.date(2024, 1, 5), dt.date(2030, 6, 1), None, dt.date(2000, 1, 1),
                   dt.date(2024, 12, 31)],
    "flag": [True, False, True, True, False, False, True, False, True],
})

# What the old writer (Arrow's, one call) wrote for TRICKY, checked by hand: the guard's
# quote before each formula-like text, every text quoted (a quote doubled), money to the
# cent (half away from zero; -0.0 is 0), other figures to four decimals, NaN and None
# empty, Arrow's shortest form of a number (1e12 + 0.125 is 1.00000000000013e+12).
TRICKY_CSV = (
    '"customer_id","name","orders","profit","share_pct","first_date","flag"\n'
    '"\'=1+1","Ünïcödé 中文 😀",1,1.01,12.3457,2024-01-05,true\n'
    '"\'+x","line\nbreak",2,-2.68,,,false\n'
    '"\'-x","cr\rinside",3,,100,1999-12-31,true\n'
    '"\'@x",,4,1.00000000000013e+12,0.0001,2024-02-29,true\n'
    '"\'\t=1","\'\u200b=cmd",5,0,0.3333,2024-01-05,false\n'
    '"\'\r=1","\' -2",6,0,-5.5,2030-06-01,false\n'
    '"A,1","plain",7,3,0,,true\n'
    '"say ""hi""","",8,2.5,100,2000-01-01,false\n'
    '"7","Acme, Inc.",9,-1,0,2024-12-31,true\n'
).encode()


def one_call(frame: pd.DataFrame) -> bytes:
    """The old writer: Arrow's, the whole table in one call."""
    table = export._arrow_table(neutralise(round_for_export(frame)))
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(quoting_style="needed"))
    return sink.getvalue().to_pybytes()


@pytest.fixture
def calls(monkeypatch):
    """Every table slice Arrow's writer is handed, by number of rows."""
    seen: list[int] = []
    original = pa_csv.write_csv

    def counting(table, sink, options=None):
        seen.append(table.num_rows)
        return original(table, sink, options)

    monkeypatch.setattr(pa_csv, "write_csv", counting)
    return seen


def test_the_tricky_frame_known_answer():
    assert one_call(TRICKY) == TRICKY_CSV
    assert csv_bytes(TRICKY) == TRICKY_CSV


@pytest.mark.parametrize("workers", [2, 3, 8])
@pytest.mark.parametrize("slice_rows", [1, 2, 4, 100])
def test_sliced_writing_gives_the_one_call_bytes(monkeypatch, calls, tmp_path, workers,
                                                 slice_rows):
    monkeypatch.setattr(export, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(export, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(pa, "cpu_count", lambda: workers)
    frame = pd.concat([TRICKY] * 5, ignore_index=True)  # 45 rows
    expected = one_call(frame)
    calls.clear()
    assert csv_bytes(frame) == expected
    assert len(calls) == max(workers, math.ceil(45 / slice_rows)) > 1  # it did slice
    assert sum(calls) == 45
    to_csv(frame, tmp_path / "out.csv")  # a path: the file opened and closed here
    assert (tmp_path / "out.csv").read_bytes() == expected
    assert csv_bytes(TRICKY) == TRICKY_CSV  # fewer rows than workers x slices, too


def test_a_python_file_object_gets_the_same_bytes(monkeypatch):
    monkeypatch.setattr(export, "PARALLEL_ROWS", 2)
    table = export._arrow_table(neutralise(round_for_export(TRICKY)))
    sink = io.BytesIO()
    write_table(table, sink, workers=2)
    assert sink.getvalue() == TRICKY_CSV


def test_one_worker_or_a_short_table_is_one_call(calls):
    table = export._arrow_table(neutralise(round_for_export(TRICKY)))
    write_table(table, pa.BufferOutputStream(), workers=1)
    write_table(table, pa.BufferOutputStream(), workers=4)  # 9 rows < PARALLEL_ROWS
    write_table(table.slice(0, 0), pa.BufferOutputStream(), workers=4)
    assert calls == [9, 9, 0]


def test_a_real_sized_table_is_sliced_by_default(calls):
    # Above PARALLEL_ROWS, on this machine's cores: one slice per core at least.
    rows = export.PARALLEL_ROWS + 1
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(rows)],
                          "profit": np.arange(rows) / 7})
    expected = one_call(frame)
    calls.clear()
    assert csv_bytes(frame) == expected
    assert len(calls) == (pa.cpu_count() if pa.cpu_count() > 1 else 1)


_TEXT = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(
    ["=1+1", "+x", "-x", "@x", "\t=1", "\r=1", "\n", '"', '""', ",", "\u200b@", "中文"]))
_NUMBER = st.one_of(st.floats(min_value=-1e300, max_value=1e300),  # x 100 stays finite
                    st.floats(min_value=-1e9, max_value=1e9),
                    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_TEXT, _TEXT, _NUMBER, st.integers(-2**53, 2**53)),
                     min_size=2, max_size=40),
       workers=st.integers(2, 5), slice_rows=st.integers(1, 9))
def test_sliced_writing_property(monkeypatch, rows, workers, slice_rows):
    monkeypatch.setattr(export, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(export, "SLICE_ROWS", slice_rows)
    monkeypatch.setattr(pa, "cpu_count", lambda: workers)
    ids, names, money, counts = zip(*rows, strict=True)
    frame = pd.DataFrame({"customer_id": pd.Series(ids, dtype="str"),
                          "name": pd.Series(names, dtype=object),
                          "net_revenue": np.array(money, dtype=float),
                          "ratio": np.array(money, dtype=float),
                          "lines": np.array(counts, dtype=np.int64)})
    assert csv_bytes(frame) == one_call(frame)


def test_the_preparation_leaves_the_callers_frame_alone():
    # round_for_export and neutralise copy lazily (copy-on-write): the frame handed in
    # keeps its values, also after the copies are changed.
    frame = TRICKY.copy()
    rounded, safe = round_for_export(frame), neutralise(frame)
    assert rounded["profit"].iloc[0] == 1.01 and safe["customer_id"].iloc[0] == "'=1+1"
    rounded.iloc[0, 3] = 99.0
    safe.iloc[6, 0] = "changed"
    pd.testing.assert_frame_equal(frame, TRICKY)
