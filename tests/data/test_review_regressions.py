"""Regressions from a review of the import pipeline and the store: each test failed on
the code before its fix."""

import csv
import json

import openpyxl
import pandas as pd
import pytest

from analytics.cli import main
from data import Store

HEADER = "customer_id,date,net_revenue\n"


def folder(tmp_path, files, name="ds"):
    path = tmp_path / name
    path.mkdir(parents=True)
    for file_name, text in files.items():
        (path / file_name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize(("value", "message"), [
    ("1/5/24", "no value shows whether the day or the month comes first: choose DD/MM/YY "
     "or MM/DD/YY"),
    ("05-01-24", '"05-01-24" has a two-digit year: choose'),
    ("24-01-05", '"24-01-05" has a two-digit year: choose'),
    ("1899-12-31", '"1899-12-31" is outside the years 1900–2199 a date may have'),
])
def test_undecidable_two_digit_and_implausible_years_are_refused(tmp_path, capsys, value,
                                                                 message):
    path = folder(tmp_path, {"transactions.csv": f"{HEADER}A,{value},10\n"})
    assert main(["load", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("value", "expected"), [("31/01/24", "2024-01-31"),
                                                 ("05.01.24", "2024-01-05")])
def test_two_digit_years_the_column_decides_are_read(tmp_path, value, expected):
    path = folder(tmp_path, {"transactions.csv": f"{HEADER}A,{value},10\n"})
    store = Store(":memory:")
    result = store.load_folder(path)
    assert str(store.query_df("SELECT date FROM transactions")["date"][0].date()) == expected
    assert any("two-digit years" in w for w in result.warnings)
    store.close()


def test_typed_excel_numbers_are_not_reread_with_a_decimal_comma(tmp_path):
    path = tmp_path / "xlsx"
    path.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "date", "net_revenue"])
    book.active.append(["A", "2024-01-05", 10.125])
    book.active.append(["B", "2024-01-06", "1.234,50"])
    book.save(path / "transactions.xlsx")
    store = Store(":memory:")
    store.load_folder(path)
    values = store.query_df("SELECT customer_id, net_revenue FROM transactions ORDER BY 1")
    assert values["net_revenue"].astype(float).tolist() == [10.125, 1234.5]


def test_typed_parquet_numbers_beside_european_text(tmp_path):
    path = tmp_path / "pq"
    path.mkdir()
    pd.DataFrame({"customer_id": ["A", "B"], "date": ["2024-01-05", "2024-01-06"],
                  "net_revenue": [10.125, 2.5], "cogs": ["1,5", "0,25"]}).to_parquet(
        path / "transactions.parquet")
    store = Store(":memory:")
    store.load_folder(path)
    values = store.query_df("SELECT net_revenue, cogs FROM transactions ORDER BY customer_id")
    assert values["net_revenue"].astype(float).tolist() == [10.125, 2.5]
    assert values["cogs"].astype(float).tolist() == [1.5, 0.25]


@pytest.mark.parametrize("text", [
    HEADER.replace("\n", "\r\n") + "A,2024-01-05,1\nB,2024-01-05,2\r\n",
    HEADER + "A,2024-01-05,1\rB,2024-01-05,2\n",
])
def test_mixed_line_endings_load(tmp_path, text):
    store = Store(":memory:")
    result = store.load_folder(folder(tmp_path, {"transactions.csv": text}))
    assert result.rows["transactions"] == 2
    assert any("mixed line ends" in w for w in result.warnings)


@pytest.mark.parametrize("name", ["a*b", "a?b", "a[x]b"])
def test_glob_characters_in_a_folder_name_read_only_its_files(tmp_path, name):
    folder(tmp_path, {"transactions.csv": f"{HEADER}A,2024-01-05,10\n"}, name)
    folder(tmp_path, {"transactions.csv": f"{HEADER}A,2024-01-05,1000\n"}, "axb")
    out = tmp_path / "out"
    assert main(["report", str(tmp_path / name), "--out", str(out)]) == 0
    assert json.loads((out / "summary.json").read_text())["net_revenue"] == 10.0


def test_second_load_after_a_spill(tmp_path):
    from data.sample import write_sample

    data = tmp_path / "sample"
    write_sample(data, customers=300, seed=3)
    store = Store(tmp_path / "s.duckdb", memory_limit="40MB")
    store.load_folder(data)
    with store.cursor() as cur:
        cur.execute("CREATE TEMP TABLE x AS SELECT t.*, md5(t.customer_id || random()::VARCHAR) "
                    "AS h FROM transactions t, range(4)")
        cur.execute("SELECT h, count(*) FROM x GROUP BY h ORDER BY h LIMIT 1").fetchall()
    assert store.load_folder(data).rows["customers"] == 300


def test_customer_base_is_one_snapshot(tmp_path, monkeypatch):
    """A rate card saved while the customer table is read must not swap activity costs."""
    from analytics import analyse

    path = folder(tmp_path, {
        "transactions.csv": f"{HEADER}A,2024-01-05,100\nB,2024-01-05,100\n",
        "activities.csv": "customer_id,activity,quantity\nA,X,1\nB,Y,1\n",
        "rates.csv": "activity,cost_per_unit\nX,1\nY,50\n"})
    store = Store(tmp_path / "snap.duckdb")
    store.load_folder(path)
    original = Store._rate_card

    def save_meanwhile(cur):
        other = Store.__new__(Store)
        other.__dict__.update(store.__dict__)
        monkeypatch.setattr(Store, "_rate_card", staticmethod(original))
        other.replace_rate_card(
            pd.DataFrame({"activity": ["Y", "X"], "cost_per_unit": [50.0, 1.0]}), None)
        return original(cur)

    monkeypatch.setattr(Store, "_rate_card", staticmethod(save_meanwhile))
    base = store.customer_base()
    pnl = analyse(base.customers, base.volumes, base.rates, base.resources).pnl
    assert pnl.loc["A", "cost_to_serve"] == 1.0
    assert pnl.loc["B", "cost_to_serve"] == 50.0


def test_sub_cent_inputs_reconcile_between_files(tmp_path):
    path = folder(tmp_path, {"transactions.csv":
                             f"{HEADER}A,2024-01-05,10.125\nB,2024-01-05,10.125\n"
                             "C,2024-01-05,1.005\n"})
    out = tmp_path / "out"
    assert main(["report", str(path), "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "customer_pnl.csv").open()))
    summary = json.loads((out / "summary.json").read_text())
    assert [float(r["net_revenue"]) for r in rows] == [10.13, 10.13, 1.01]
    assert round(sum(float(r["net_revenue"]) for r in rows), 2) == summary["net_revenue"]


def test_one_line_per_ragged_row(tmp_path, capsys):
    path = folder(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1,x,y\n" * 12})
    assert main(["load", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.count("line 2:") == 1
    assert "line 2: the row has 5 field(s), the header has 3" in err
    assert "2 more rows cannot be read as CSV" in err


def test_cr_only_file_line_numbers(tmp_path, capsys):
    text = "customer_id,date,net_revenue\r\rA,2024-01-05,10\r\r\rC,2024-01-05,1,2\r"
    path = folder(tmp_path, {"transactions.csv": text})
    assert main(["load", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "transactions.csv line 3: the row has 4 field(s)" in capsys.readouterr().err


def test_a_stray_windows_1252_byte_late_in_a_utf8_file(tmp_path):
    rows = "".join(f"C{i},2024-01-05,1\n" for i in range(6000))
    data = (HEADER + "Müller,2024-01-05,5\n" + rows).encode() + "Café,2024-01-06,5\n".encode(
        "cp1252")
    store = Store(":memory:")
    result = store.load_folder(folder(tmp_path, {"transactions.csv": data}))
    ids = set(store.query_df("SELECT customer_id FROM transactions")["customer_id"])
    assert {"Müller", "Café"} <= ids
    assert any("not valid UTF-8 throughout" in w for w in result.warnings)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_thresholds_must_be_finite(tmp_path, capsys, value):
    path = folder(tmp_path, {"transactions.csv": f"{HEADER}A,2024-01-05,10\n"})
    args = ["report", str(path), "--out", str(tmp_path / "o"), f"--margin-threshold={value}",
            "--cts-threshold", "10"]
    assert main(args) == 2
    assert "is not a number" in capsys.readouterr().err


def test_an_empty_header_is_named_once(tmp_path, capsys):
    path = folder(tmp_path, {"transactions.csv": '"",""\nA,B\n'})
    assert main(["load", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == "transactions.csv line 1: the header row is empty"
