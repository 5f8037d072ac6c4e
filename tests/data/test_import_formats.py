"""Messy but valid exports load as they come and give the right numbers.

Each test writes a tiny dataset into ``tmp_path`` byte for byte (so BOMs, legacy encodings
and CRLF line ends are real), loads it into ``data.Store(":memory:")`` and checks the typed
values with SQL; a few go through ``python -m analytics load`` / ``report`` in-process.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics.cli import main
from data import Store

HEADER = b"customer_id,date,net_revenue\n"


def dataset(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "ds"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def load(tmp_path: Path, files: dict[str, bytes]) -> tuple[Store, tuple[str, ...]]:
    store = Store(":memory:")
    result = store.load_folder(dataset(tmp_path, files))
    return store, result.warnings


def rows(store: Store, sql: str) -> list[tuple]:
    return [tuple(r) for r in store.query_df(sql).itertuples(index=False)]


def money(store: Store, column: str = "net_revenue", table: str = "transactions") -> list:
    """A money column in file order, as exact Decimals rounded to the cent."""
    with store.cursor() as cur:
        values = cur.execute(f"SELECT {column} FROM {table} ORDER BY rowid").fetchall()
    return [None if v is None else v.quantize(Decimal("0.01")) for (v,) in values]


def dates(store: Store, table: str = "transactions", column: str = "date") -> list:
    with store.cursor() as cur:
        return [v for (v,) in cur.execute(f"SELECT {column} FROM {table} ORDER BY rowid")
                .fetchall()]


def D(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


# --- headers and columns ------------------------------------------------------------


def test_headers_any_case_spaces_and_order_and_unknown_columns_ignored(tmp_path):
    content = (
        b" Net Revenue ,REMARKS,  Date ,COGS, Customer_ID  ,List-Revenue\n"
        b"100.00,hello,2024-01-05,60.00,C1,120.00\n"
        b"50.00,,2024-01-06,20.00,C2,50.00\n"
    )
    store, warnings = load(tmp_path, {"transactions.csv": content})
    assert rows(store, "SELECT customer_id, CAST(date AS VARCHAR) FROM transactions") == [
        ("C1", "2024-01-05"), ("C2", "2024-01-06")]
    assert money(store) == D("100.00", "50.00")
    assert money(store, "cogs") == D("60.00", "20.00")
    assert money(store, "list_revenue") == D("120.00", "50.00")
    assert "transactions.csv: 1 column(s) not in the contract ignored: REMARKS" in warnings


def test_file_name_matched_case_insensitively(tmp_path):
    store, _ = load(tmp_path, {"Transactions.CSV": HEADER + b"C1,2024-01-05,1.00\n"})
    assert money(store) == D("1.00")


def test_optional_columns_missing_take_their_defaults_with_warnings(tmp_path):
    store, warnings = load(tmp_path, {"transactions.csv": HEADER + b"C1,2024-01-05,99.99\n"})
    assert money(store, "list_revenue") == D("99.99")
    assert money(store, "cogs") == D("0.00")
    assert ("transactions.csv: no cogs column, so COGS is taken as 0 and net margin equals "
            "net revenue.") in warnings
    assert ("transactions.csv: no list_revenue column, so list revenue equals net revenue "
            "(no discounts).") in warnings


def test_empty_optional_cells_take_their_defaults_with_warnings(tmp_path):
    content = (b"customer_id,date,net_revenue,list_revenue,cogs\n"
               b"C1,2024-01-05,90.00,,\nC2,2024-01-05,50.00,60.00,10.00\n")
    store, warnings = load(tmp_path, {"transactions.csv": content})
    assert money(store, "list_revenue") == D("90.00", "60.00")
    assert money(store, "cogs") == D("0.00", "10.00")
    assert "transactions.csv: 1 row(s) with an empty cogs, taken as 0." in warnings
    assert "transactions.csv: 1 row(s) with an empty list_revenue, taken as net_revenue." in (
        warnings)


# --- encodings and line ends --------------------------------------------------------


def test_utf8_with_bom_and_crlf(tmp_path):
    content = "\ufeffcustomer_id,date,net_revenue\r\nCafé Zoë,2024-01-05,10.50\r\n".encode()
    store, warnings = load(tmp_path, {"transactions.csv": content})
    assert rows(store, "SELECT customer_id FROM transactions") == [("Café Zoë",)]
    assert money(store) == D("10.50")
    assert not any("Windows-1252" in w for w in warnings)


def test_windows_1252_text_is_shown_correctly(tmp_path):
    text = ("customer_id;name;segment\r\nC1;Café Müller;€ key accounts\r\n"
            "C2;Œuvre “Quote” – Dash;Süd\r\n")
    files = {
        "transactions.csv": HEADER + b"C1,2024-01-05,1\nC2,2024-01-05,2\n",
        "customers.csv": text.encode("cp1252"),
    }
    store, warnings = load(tmp_path, files)
    assert rows(store, "SELECT customer_id, name, segment FROM customers ORDER BY 1") == [
        ("C1", "Café Müller", "€ key accounts"),
        ("C2", "Œuvre “Quote” – Dash", "Süd"),
    ]
    assert "customers.csv: not UTF-8, read as Windows-1252." in warnings


def test_latin_1_text_is_shown_correctly(tmp_path):
    content = "customer_id,date,net_revenue\nÅngström Øre Ñandú,2024-01-05,7.00\n"
    store, _ = load(tmp_path, {"transactions.csv": content.encode("latin-1")})
    assert rows(store, "SELECT customer_id FROM transactions") == [("Ångström Øre Ñandú",)]


def test_windows_1252_undefined_byte_does_not_garble_the_rest_of_the_file(tmp_path):
    # 0x81 is undefined in Windows-1252: it alone is read as Latin-1, the euro sign stays.
    content = HEADER.replace(b"\n", b",product_id\n") + b"Caf\xe9 \x80,2024-01-05,1,A\x81B\n"
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert rows(store, "SELECT customer_id, product_id FROM transactions") == [
        ("Café €", "A\x81B")]


def test_legacy_text_with_cp1252_currency_symbol_in_amounts(tmp_path):
    content = "customer_id;date;net_revenue\r\nMüller;31.03.2024;€ 1.234,56\r\n"
    store, _ = load(tmp_path, {"transactions.csv": content.encode("cp1252")})
    assert rows(store, "SELECT customer_id FROM transactions") == [("Müller",)]
    assert money(store) == D("1234.56")


# --- delimiters and quoting ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"customer_id;date;net_revenue\nC1;2024-01-05;1.234,56\nC2;2024-01-05;-7,5\n",
         D("1234.56", "-7.50")),
        (b"customer_id\tdate\tnet_revenue\r\nC1\t2024-01-05\t1234.56\r\nC2\t2024-01-05\t-7.5\r\n",
         D("1234.56", "-7.50")),
        (b"customer_id|date|net_revenue\nC1|2024-01-05|1234.56\nC2|2024-01-05|-7.5\n",
         D("1234.56", "-7.50")),
        (b'customer_id,date,net_revenue\nC1,2024-01-05,"1,234.56"\nC2,2024-01-05,"-7.50"\n',
         D("1234.56", "-7.50")),
        (b'customer_id,date,net_revenue\nC1,2024-01-05,"1.234,56"\nC2,2024-01-05,"-7,50"\n',
         D("1234.56", "-7.50")),
        (b"customer_id;date;net_revenue\nC1;2024-01-05;1 234,56\nC2;2024-01-05;-7,50\n",
         D("1234.56", "-7.50")),
        (b"customer_id;date;net_revenue\nC1;2024-01-05;1.234.567,89\nC2;2024-01-05;0,5\n",
         D("1234567.89", "0.50")),
    ],
    ids=["semicolon_european", "tab", "pipe", "quoted_thousands", "quoted_european",
         "space_thousands", "millions_european"],
)
def test_delimiters_and_number_conventions(tmp_path, content, expected):
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert money(store) == expected


def test_decimal_comma_is_reported_as_a_warning(tmp_path):
    content = b"customer_id;date;net_revenue\nC1;2024-01-05;12,50\n"
    _, warnings = load(tmp_path, {"transactions.csv": content})
    assert "transactions.csv: numbers read with a decimal comma." in warnings


def test_quoted_fields_hold_delimiters_quotes_and_line_breaks(tmp_path):
    content = (
        b"customer_id,name,segment\r\n"
        b'C1,"Smith, Jones & Co","line one\r\nline two"\r\n'
        b'C2,"The ""Best"" Ltd",plain\r\n'
    )
    files = {"transactions.csv": HEADER + b"C1,2024-01-05,1\nC2,2024-01-05,2\n",
             "customers.csv": content}
    store, _ = load(tmp_path, files)
    assert rows(store, "SELECT customer_id, name, segment FROM customers ORDER BY 1") == [
        ("C1", "Smith, Jones & Co", "line one\r\nline two"),
        ("C2", 'The "Best" Ltd', "plain"),
    ]


def test_blank_lines_are_skipped(tmp_path):
    content = HEADER + b"\nC1,2024-01-05,1.00\n\n\nC2,2024-01-05,2.00\n\n"
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert money(store) == D("1.00", "2.00")


# --- negative amounts and currency symbols ------------------------------------------


def test_negative_amount_forms_and_currency_symbols(tmp_path):
    values = ["-12.50", "12.50-", "(12.50)", "$1,000.00", "€5.00", "£ 5.00", "¥300",
              "-$3.00", "+4.00", "($2.25)"]
    content = HEADER + "".join(f'C1,2024-01-05,"{v}"\n' for v in values).encode()
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert money(store) == D("-12.50", "-12.50", "-12.50", "1000.00", "5.00", "5.00",
                             "300.00", "-3.00", "4.00", "-2.25")


def test_credit_notes_reduce_revenue(tmp_path):
    content = HEADER + b"C1,2024-01-05,100.00\nC1,2024-01-20,-30.00\n"
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert rows(store, "SELECT sum(net_revenue)::VARCHAR FROM transactions") == [("70.0000",)]


def test_european_trailing_minus_and_parentheses(tmp_path):
    content = b"customer_id;date;net_revenue\nC1;2024-01-05;1.234,50-\nC1;2024-01-05;(0,75)\n"
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert money(store) == D("-1234.50", "-0.75")


# --- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-03-31", "2024-02-29T13:45:00", "2024-01-02 08:00", "2024-01-03 08:00:00+02:00"],
         ["2024-03-31", "2024-02-29", "2024-01-02", "2024-01-03"]),
        (["31.03.2024", "1.2.2024", "29.02.2024 10:30"],
         ["2024-03-31", "2024-02-01", "2024-02-29"]),
        (["31-03-2024", "01-02-2024"], ["2024-03-31", "2024-02-01"]),
        (["2024/03/31", "2024/2/1"], ["2024-03-31", "2024-02-01"]),
        (["20240331", "20240229"], ["2024-03-31", "2024-02-29"]),
        (["31/03/2024", "04/05/2024"], ["2024-03-31", "2024-05-04"]),
        (["03/31/2024", "04/05/2024"], ["2024-03-31", "2024-04-05"]),
    ],
    ids=["iso_with_time", "dd_mm_yyyy_dots", "dd_mm_yyyy_dashes", "yyyy_mm_dd_slashes",
         "yyyymmdd", "dd_mm_yyyy_slashes_decided_by_day_above_12",
         "mm_dd_yyyy_slashes_decided_by_day_above_12"],
)
def test_date_formats(tmp_path, values, expected):
    content = HEADER + "".join(f"C1,{v},1\n" for v in values).encode()
    store, warnings = load(tmp_path, {"transactions.csv": content})
    assert [d.isoformat() for d in dates(store)] == expected
    assert not any("ambiguous" in w for w in warnings)


def test_ambiguous_slash_dates_warn_and_follow_the_delimiter(tmp_path):
    comma = HEADER + b"C1,03/04/2024,1\nC1,05/06/2024,1\n"
    store, warnings = load(tmp_path, {"transactions.csv": comma})
    assert dates(store) == [dt.date(2024, 3, 4), dt.date(2024, 5, 6)]
    assert ("transactions.csv, date: dates such as 03/04/2024 are ambiguous; read as "
            "MM/DD/YYYY.") in warnings
    semicolon = b"customer_id;date;net_revenue\nC1;03/04/2024;1\n"
    (tmp_path / "second").mkdir()
    store, warnings = load(tmp_path / "second", {"transactions.csv": semicolon})
    assert dates(store) == [dt.date(2024, 4, 3)]
    assert ("transactions.csv, date: dates such as 03/04/2024 are ambiguous; read as "
            "DD/MM/YYYY.") in warnings


def test_day_first_file_with_a_date_impossible_month_first_is_refused(tmp_path, capsys):
    folder = dataset(tmp_path, {"transactions.csv": HEADER + b"C1,31/03/2024,1\n"
                                b"C1,03/31/2024,1\n"})
    assert main(["load", str(folder), "--db", str(tmp_path / "s.duckdb")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        'transactions.csv line 3, date: "03/31/2024" is not a valid date '
        "(expected DD/MM/YYYY, the column's format; also tried YYYY-MM-DD, DD.MM.YYYY, "
        "YYYY/MM/DD)"
    ]


def test_other_tables_parse_dates_and_numbers_too(tmp_path):
    files = {
        "transactions.csv": HEADER + b"C1,2024-01-05,1\n",
        "activities.csv": b"customer_id;activity;quantity;date\nC1;order;1.234,5;05.01.2024\n",
        "rates.csv": b"activity;resource;unit_time\norder;cs;0,5\n",
        "resources.csv": b"resource;cost;capacity\ncs;560.000,00;700.000\n",
        "customers.csv": b"customer_id;since;wallet\nC1;01.02.2020;\xe2\x82\xac 2.500,00\n",
    }
    store, _ = load(tmp_path, files)
    assert rows(store, "SELECT quantity, CAST(date AS VARCHAR) FROM activities") == [
        (1234.5, "2024-01-05")]
    assert rows(store, "SELECT unit_time FROM rates") == [(0.5,)]
    assert rows(store, "SELECT cost, capacity FROM resources") == [(560000.0, 700000.0)]
    assert dates(store, "customers", "since") == [dt.date(2020, 2, 1)]
    assert money(store, "wallet", "customers") == D("2500.00")


# --- Excel and Parquet --------------------------------------------------------------


def test_xlsx_numbers_dates_and_numeric_ids(tmp_path):
    folder = dataset(tmp_path, {})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Date", "Net Revenue", "COGS", "Order_ID", "Comment"])
    sheet.append([1001, dt.datetime(2024, 1, 5), 1234.56, 1000, 50001, "first"])
    sheet.append([])
    sheet.append([1002, dt.date(2024, 2, 29), 0.1, None, 50002, None])
    sheet.append(["C-3", dt.datetime(2024, 3, 1, 10, 30), -7.25, 1.5, "A-7", None])
    sheet["B2"].number_format = "dd/mm/yyyy"
    book.save(folder / "transactions.xlsx")
    store = Store(":memory:")
    warnings = store.load_folder(folder).warnings
    assert rows(store, "SELECT customer_id, order_id FROM transactions ORDER BY rowid") == [
        ("1001", "50001"), ("1002", "50002"), ("C-3", "A-7")]
    assert dates(store) == [dt.date(2024, 1, 5), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]
    assert money(store) == D("1234.56", "0.10", "-7.25")
    assert money(store, "cogs") == D("1000.00", "0.00", "1.50")
    assert "transactions.xlsx: 1 column(s) not in the contract ignored: Comment" in warnings


def test_parquet_input(tmp_path):
    folder = dataset(tmp_path, {})
    pd.DataFrame({
        "Customer_ID": [1001, 1002, 1003],
        "date": pd.to_datetime(["2024-01-05 00:00", "2024-02-29 00:00", "2024-03-01 10:30"]),
        "net_revenue": [0.1, -2.5, 1234.56],
        "cogs": [0.05, 0.0, 1000.0],
        "unused": ["a", "b", "c"],
    }).to_parquet(folder / "transactions.parquet")
    pd.DataFrame({"customer_id": ["1001", "1002"], "since": [dt.date(2020, 1, 1), None],
                  "name": ["Café", None]}).to_parquet(folder / "customers.parquet")
    store = Store(":memory:")
    warnings = store.load_folder(folder).warnings
    assert rows(store, "SELECT customer_id FROM transactions ORDER BY rowid") == [
        ("1001",), ("1002",), ("1003",)]
    assert dates(store) == [dt.date(2024, 1, 5), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]
    assert money(store) == D("0.10", "-2.50", "1234.56")
    assert money(store, "cogs") == D("0.05", "0.00", "1000.00")
    with store.cursor() as cur:
        names = cur.execute("SELECT name, since FROM customers ORDER BY rowid").fetchall()
    assert names == [("Café", dt.date(2020, 1, 1)), (None, None)]
    assert "transactions.parquet: 1 column(s) not in the contract ignored: unused" in warnings


# --- exact money --------------------------------------------------------------------


def test_money_sums_to_the_cent(tmp_path):
    content = HEADER + b"C1,2024-01-05,0.10\n" * 10_000
    store, _ = load(tmp_path, {"transactions.csv": content})
    assert rows(store, "SELECT sum(net_revenue)::VARCHAR FROM transactions") == [
        ("1000.0000",)]


def test_report_totals_reconcile_to_the_cent_with_messy_input(tmp_path, capsys):
    content = (
        b"\xef\xbb\xbfCUSTOMER ID;Date;Net Revenue;List Revenue;COGS\r\n"
        + b"C1;31.01.2024;0,10;0,12;0,05\r\n" * 10_000
        + b"C2;01.02.2024;1.000,01-;1.000,01-;(500,00)\r\n"
        + b"C2;02.02.2024;2.000,02;2.100,00;1.000,00\r\n"
    )
    folder = dataset(tmp_path, {"transactions.csv": content})
    assert main(["report", str(folder), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["customers"] == 2
    assert summary["net_revenue"] == pytest.approx(2000.01, abs=1e-9)
    assert summary["list_revenue"] == pytest.approx(2299.99, abs=1e-9)
    assert summary["cogs"] == pytest.approx(1000.00, abs=1e-9)
    pnl = pd.read_csv(tmp_path / "out" / "customer_pnl.csv", dtype={"customer_id": str})
    by_id = pnl.set_index("customer_id")
    assert by_id.loc["C1", "net_revenue"] == pytest.approx(1000.00, abs=1e-9)
    assert by_id.loc["C2", "net_revenue"] == pytest.approx(1000.01, abs=1e-9)


def test_cli_load_prints_rows_and_warnings(tmp_path, capsys):
    text = "customer_id;date;net_revenue;Notiz\r\nMüller;31.03.2024;1,5;grün\r\n"
    content = text.encode("cp1252")
    folder = dataset(tmp_path, {"transactions.csv": content})
    assert main(["load", str(folder), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "transactions: 1 rows"
    assert "warning: transactions.csv: not UTF-8, read as Windows-1252." in out
    assert "warning: transactions.csv: 1 column(s) not in the contract ignored: Notiz" in out


def test_utf16_unicode_text_export_loads(tmp_path):
    """Excel's "Unicode text" export: UTF-16 with a BOM, tab-delimited."""
    folder = tmp_path / "utf16"
    folder.mkdir()
    text = "customer_id\tdate\tnet_revenue\r\nMüller\t2024-01-05\t12.50\r\n"
    (folder / "transactions.csv").write_bytes(text.encode("utf-16"))
    store = Store(":memory:")
    store.load_folder(folder)
    rows = store.query_df("SELECT customer_id, net_revenue FROM transactions")
    assert rows["customer_id"].tolist() == ["Müller"]
    assert float(rows["net_revenue"].iloc[0]) == 12.5


def test_windows_1252_bytes_far_into_a_utf8_looking_file(tmp_path):
    """The first 64 KB are plain ASCII; a cp1252 name appears only near the end."""
    folder = tmp_path / "late1252"
    folder.mkdir()
    filler = "".join(f"C{i:05d},2024-01-05,1.00\n" for i in range(5000))
    text = "customer_id,date,net_revenue\n" + filler + "Müller & Söhne,2024-01-06,2.50\n"
    (folder / "transactions.csv").write_bytes(text.encode("cp1252"))
    store = Store(":memory:")
    result = store.load_folder(folder)
    assert result.rows["transactions"] == 5001
    assert any("Windows-1252" in w for w in result.warnings)
    names = store.query_df("SELECT customer_id FROM transactions WHERE net_revenue = 2.5")
    assert names["customer_id"].tolist() == ["Müller & Söhne"]
