"""Exports: formula-safe cells, money to the cent, CSV and Excel."""

import csv
import io
import math
import unicodedata

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.export import (
    csv_bytes,
    neutralise,
    round_for_export,
    starts_formula,
    to_csv,
    to_excel_bytes,
)
from analytics.money import round_money

RISKY = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Acme", None]


def frame():
    return pd.DataFrame({
        "name": pd.Series(RISKY, dtype="string"),
        "kind": pd.Series(RISKY, dtype=object),
        "profit": [-1.005, 2.0, 3.333, -4.0, 5.0, 6.0, 7.0, 8.0],
        "net_margin_pct": [12.34567] * 8,
    })


def test_text_cells_cannot_run_as_formulas():
    safe = neutralise(frame())
    for column in ("name", "kind"):
        values = safe[column].tolist()
        assert values[:6] == ["'" + v for v in RISKY[:6]]
        assert values[6] == "Acme"
        assert pd.isna(values[7])
    # Negative numbers stay numbers.
    assert safe["profit"].iloc[0] == -1.005


def test_money_to_the_cent_and_percentages_to_four_decimals():
    rounded = round_for_export(frame())
    assert rounded["profit"].iloc[2] == 3.33
    assert rounded["net_margin_pct"].iloc[0] == 12.3457


def test_csv_file(tmp_path):
    path = tmp_path / "out.csv"
    to_csv(frame(), path)
    read = pd.read_csv(path, keep_default_na=False)
    assert read["name"].iloc[0].startswith("'=")
    assert read["profit"].iloc[3] == -4.0


def test_excel_cells_are_text_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame(), "customers")))
    sheet = book.active
    assert sheet.title == "customers"
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


# -- the formula guard ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx",
    " =1+1", "   +1", "\u3000=1", "\xa0-1", "\x00=1", "\x1f@x", "\x7f=1", "\u200b=1",
    "\ufeff=1", "\u2028=1", "\r\n=1", "\n=1",
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20x", " \uff1d1",
])
def test_formula_starts_are_prefixed(text):
    frame = pd.DataFrame({"object": pd.Series([text], dtype=object),
                          "string": pd.Series([text], dtype="string"),
                          "str": pd.Series([text], dtype="str"),
                          "category": pd.Series([text], dtype="category")})
    safe = neutralise(frame)
    assert safe.iloc[0].tolist() == ["'" + text] * 4


@pytest.mark.parametrize("text", ["Acme", "a=1", "1+1", "'=1", " Acme", "é-x", "(=1)", "", " "])
def test_plain_text_is_left_alone(text):
    assert neutralise(pd.DataFrame({"name": [text]}))["name"].iloc[0] == text


def test_numbers_stay_numbers():
    frame = pd.DataFrame({
        "profit": [-1.5, -2.0],
        "count": [-1, -2],
        "nullable": pd.array([-1, None], dtype="Int64"),
        "mixed": pd.Series([-3, "-x"], dtype=object),
    })
    safe = neutralise(frame)
    assert safe["profit"].dtype == float and safe["profit"].tolist() == [-1.5, -2.0]
    assert safe["count"].tolist() == [-1, -2]
    assert safe["nullable"].dtype == "Int64"
    assert safe["mixed"].tolist() == [-3, "'-x"]
    text = csv_bytes(frame).decode()
    assert text.splitlines() == ['"profit","count","nullable","mixed"', '-1.5,-1,-1,"-3"',
                                 '-2,-2,,"\'-x"']


def test_column_names_are_guarded():
    frame = pd.DataFrame({"=HYPERLINK(1)": [1.0], "name": ["Acme"]})
    assert neutralise(frame).columns.tolist() == ["'=HYPERLINK(1)", "name"]
    assert csv_bytes(frame).decode().splitlines()[0] == '"\'=HYPERLINK(1)","name"'


def test_every_format_character_is_skipped():
    """The guard looks past any control or format character: checked for every one the
    running Python knows, not a list kept by hand."""
    skipped = [chr(c) for c in range(0x110000)
               if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zs", "Zl", "Zp")]
    assert [c for c in skipped if not starts_formula(c + "=1")] == []


# -- rows stay rows ---------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"
FORMULA_CHARS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")


def reads_as_formula(cell: str) -> bool:
    """Whether a spreadsheet could read ``cell`` as a formula (the test's own rule): its
    first character that is not a space, control or format character is one of ``=+-@``
    or their fullwidth forms."""
    for char in cell:
        if char in FORMULA_CHARS:
            return True
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return False
    return False


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def pandas_rows(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)


def duckdb_rows(path) -> list[tuple]:
    return duckdb.execute(
        "SELECT * FROM read_csv(?, all_varchar=true, header=true, delim=',', quote='\"', "
        "escape='\"', allow_quoted_nulls=false)", [str(path)]).fetchall()


class _FakeColumn:
    def __init__(self, clicks: dict):
        self.clicks = clicks

    def download_button(self, label, data, file_name, mime, **kwargs):
        self.clicks[file_name] = data


class _FakeStreamlit:
    """Just enough of ``st`` for ``download_buttons``: records what each button would
    send (a callable, built on click)."""

    def __init__(self, selection=None):
        self.clicks: dict = {}
        self.session_state = {} if selection is None else {"selection": selection}

    def columns(self, count):
        return [_FakeColumn(self.clicks) for _ in range(count)]


def _app_download(monkeypatch, table, name="customers") -> bytes:
    """The bytes the app's "Download CSV" button sends for ``table``."""
    from pages.ui import widgets

    fake = _FakeStreamlit()
    monkeypatch.setattr(widgets, "st", fake)
    widgets.download_buttons(table, name, key="k")
    build = fake.clicks[f"{name}.csv"]
    assert callable(build)  # built on click, not on every rerun
    return build()


def _customers_with_a_bare_cr(count=300):
    names = [f"Customer {i}" for i in range(count)]
    names[min(41, count - 1)] = "Acme\r=1+1"
    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(count)],
        "name": names,
        "profit": [-1.5 * i for i in range(count)],
    })


def test_app_csv_with_a_bare_cr_keeps_one_row_per_customer(monkeypatch, tmp_path):
    table = _customers_with_a_bare_cr()
    data = _app_download(monkeypatch, table)
    rows = csv_rows(data)
    assert len(rows) == 1 + len(table)
    assert rows[42][1] == "Acme\r=1+1"
    assert not [cell for row in rows for cell in row[:2] if reads_as_formula(cell)]
    assert len(pandas_rows(data)) == len(table)
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    read = duckdb_rows(path)
    assert len(read) == len(table)
    assert read[41][1] == "Acme\r=1+1"


def test_app_download_is_built_on_click_by_the_cli_writer(monkeypatch, tmp_path):
    """The same rows as the CLI's file; only the header is for a person."""
    calls = []

    def build():
        calls.append(1)
        return _customers_with_a_bare_cr(5)

    from pages.ui import widgets

    fake = _FakeStreamlit()
    monkeypatch.setattr(widgets, "st", fake)
    widgets.download_buttons(build, "impact", key="k")
    assert calls == []
    data = fake.clicks["impact.csv"]()
    assert calls == [1]
    to_csv(_customers_with_a_bare_cr(5), tmp_path / "cli.csv")
    header, rows = data.split(b"\n", 1)
    cli_header, cli_rows = (tmp_path / "cli.csv").read_bytes().split(b"\n", 1)
    assert header == BOM + b'"Customer ID","Name","Operating profit"'
    assert cli_header == b'"customer_id","name","profit"'  # the CLI's contract
    assert rows == cli_rows


def test_odd_columns_are_written():
    frame = pd.DataFrame({
        "mixed": pd.Series([1, "=x", None, 2.5], dtype=object),
        "period": pd.period_range("2024-01", periods=4, freq="M"),
        "lists": pd.Series([[1], ["=x"], None, []], dtype=object),
        "segment": pd.Categorical(["a", "b", None, "a"]),
        "flag": [True, False, True, False],
    })
    rows = csv_rows(csv_bytes(frame))
    assert rows[1:] == [["1", "2024-01", "[1]", "a", "true"],
                        ["'=x", "2024-02", "['=x']", "b", "false"],
                        ["", "2024-03", "", "", "true"],
                        ["2.5", "2024-04", "[]", "a", "false"]]


def test_one_column_with_missing_cells_keeps_its_rows():
    data = csv_bytes(pd.DataFrame({"name": ["a", None, "b"]}))
    assert csv_rows(data) == [["name"], ["a"], [""], ["b"]]
    assert len(pandas_rows(data)) == 3


# -- a property: hostile text round-trips through every reader --------------------------

_PIECES = st.sampled_from([
    "\r", "\n", "\r\n", "\n\r", '"', '""', ",", ";", "\t", "'", "\\", " ", "\u3000",
    "=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "=1+1", "-2",
    "\x00", "\x01", "\x1f", "\x7f", "\x85", "\u200b", "\u200e", "\ufeff", "\u2028",
    "é", "ß", "😀", "中文", "NULL", "nan", "NA", "1e3", "A1",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=6).map("".join)
_MONEY = st.one_of(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
                   st.just(math.nan))
_ROW = st.tuples(_TEXT, st.one_of(st.none(), _TEXT), _MONEY)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=15))
def test_hostile_text_round_trips_through_csv_pandas_and_duckdb(rows, tmp_path):
    names, segments, money = zip(*rows, strict=True)
    frame = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(len(rows))],
        "name": pd.Series(names, dtype=object),
        "segment": pd.Series(segments, dtype="str"),
        "profit": np.array(money, dtype=float),
    })
    path = tmp_path / "hostile.csv"
    to_csv(frame, path)
    data = path.read_bytes()
    assert csv_bytes(frame, bom=True) == BOM + data  # the app's download: the same file

    cents = round_money(frame["profit"]).tolist()

    def same_text(read: str | None, written: str | None) -> bool:
        """The cell as written, or with the guard's quote before it."""
        if read is None or written is None:
            return read is written
        return read == written or (read == "'" + written and not written[:1].isalnum())

    def check(read_rows: list, missing: str | None) -> None:
        assert len(read_rows) == len(rows)
        for read, name, segment, profit in zip(read_rows, names, segments, cents,
                                               strict=True):
            assert len(read) == 4
            assert same_text(read[1], name)
            assert same_text(read[2], missing if segment is None else segment)
            assert (read[3] == missing) if math.isnan(profit) else (float(read[3]) == profit)
            assert not [cell for cell in read[:3] if cell and reads_as_formula(cell)]

    header, *body = csv_rows(data)
    assert header == ["customer_id", "name", "segment", "profit"]
    check(body, "")
    via_pandas = pandas_rows(data)
    assert via_pandas.columns.tolist() == header
    check(via_pandas.to_numpy().tolist(), "")
    via_duckdb = duckdb_rows(path)
    check(via_duckdb, None)
    # DuckDB tells a missing cell from an empty text: both survive as written.
    assert [r[2] is None for r in via_duckdb] == [s is None for s in segments]


_CELL = st.one_of(
    st.text(alphabet=st.sampled_from("aZ09=+-@ \t\r\n\x00\u200b\uff1d\u3000é'("), max_size=4),
    st.text(max_size=4), st.none())


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(_CELL, min_size=1, max_size=12),
       dtype=st.sampled_from([object, "string", "str"]))
def test_the_column_wide_prefilter_prefixes_exactly_what_the_cell_rule_does(cells, dtype):
    # neutralise() settles the cells starting with an ASCII letter or digit for a whole
    # column at once; every other cell goes through starts_formula: the same result.
    column = pd.Series(cells, dtype=dtype)
    safe = neutralise(pd.DataFrame({"name": column}))["name"]
    for before, after in zip(column.tolist(), safe.tolist(), strict=True):
        if isinstance(before, str):
            assert after == ("'" + before if starts_formula(before) else before)
        else:
            assert pd.isna(after)
