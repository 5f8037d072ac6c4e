"""The dashboard's downloads as a finance team reads them (issue 12, item 7): human
headers, Yes/No flags, percentages as numbers, empty cells empty, Excel number formats,
widths and a frozen header, file names that carry the period and filters; the formula
guard holds with the new writer."""

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analytics.export import (
    column_label,
    export_columns,
    export_file_name,
    human_csv_bytes,
    human_frame,
    starts_formula,
    to_excel_bytes,
)
from analytics.selection import Selection

BOM = "\ufeff"


def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"],
        "name": ["=HYPERLINK(\"http://x\")", None, "A much longer customer name, Ltd"],
        "net_revenue": [30_604_896.974, 812.4, np.nan],
        "net_margin_pct": [33.5052, -4.25, np.nan],
        "p_unprofitable": [0.125, 1.0, np.nan],
        "customers": pd.array([303093, 5, None], dtype="Int64"),
        "relationship": pd.array([True, False, None], dtype="boolean"),
        "flagged": [True, False, True],
        "quadrant": ["Carriage trade", "Passive", None],
    })


def sheet_of(data: bytes, name: str | None = None):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book, (book[name] if name else book.worksheets[0])


def test_headers_are_human_and_percentages_say_so():
    columns = export_columns(customers(), {"name": "Customer name"})
    assert [c.header for c in columns] == [
        "Customer ID", "Customer name", "Net revenue", "Net margin %", "Chance of a loss %",
        "Customers", "Relationship", "Flagged", "Quadrant"]
    assert [c.kind for c in columns] == ["text", "text", "money", "pct", "probability",
                                         "count", "flag", "flag", "text"]
    assert column_label("cogs") == "COGS" and column_label("net_revenue") == "Net revenue"


def test_a_repeated_header_names_its_column():
    frame = pd.DataFrame({"stranded_cost": [1.0], "capacity_cost_stranded": [2.0]})
    assert [c.header for c in export_columns(frame)] == [
        "Capacity stranded", "Capacity stranded (capacity_cost_stranded)"]


def test_csv_download_known_answers():
    text = human_csv_bytes(customers()).decode("utf-8")
    assert text.startswith(BOM)
    lines = text[1:].splitlines()
    assert lines[0] == ('"Customer ID","Name","Net revenue","Net margin %",'
                        '"Chance of a loss %","Customers","Relationship","Flagged","Quadrant"')
    # Money to the cent, percentages as 33.51 (two decimals), a probability 0.125 as
    # 12.5, flags Yes/No, the formula guard's quote, missing cells empty.
    assert lines[1] == ('"C1","\'=HYPERLINK(""http://x"")",30604896.97,33.51,12.5,303093,'
                        '"Yes","Yes","Carriage trade"')
    assert lines[2] == '"C2",,812.4,-4.25,100,5,"No","No","Passive"'
    assert lines[3] == '"C3","A much longer customer name, Ltd",,,,,,"Yes",'
    assert "None" not in text and "nan" not in text.lower().replace("name", "")


def test_excel_download_known_answers():
    book, sheet = sheet_of(to_excel_bytes(customers(), "customers", {"name": "Customer name"}))
    assert book.sheetnames == ["customers", "Columns"]
    assert [c.value for c in sheet[1]] == [
        "Customer ID", "Customer name", "Net revenue", "Net margin %", "Chance of a loss %",
        "Customers", "Relationship", "Flagged", "Quadrant"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I4"
    row = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert row["Net revenue"].value == 30604896.97
    assert row["Net revenue"].number_format == '"$"#,##0.00;-"$"#,##0.00'
    # Percentages are numbers with a % format: 33.5052 % is 0.335052.
    assert row["Net margin %"].value == pytest.approx(0.335052)
    assert row["Net margin %"].number_format == "0.0%"
    assert row["Chance of a loss %"].value == 0.125
    assert row["Chance of a loss %"].number_format == "0.0%"
    assert row["Customers"].value == 303093 and row["Customers"].number_format == "#,##0"
    assert row["Relationship"].value == "Yes" and row["Flagged"].value == "Yes"
    assert row["Customer name"].data_type == "s"
    assert row["Customer name"].value == "'=HYPERLINK(\"http://x\")"  # text, not a formula
    # Missing cells are empty.
    assert [c.value for c in sheet[4]] == ["C3", "A much longer customer name, Ltd",
                                           None, None, None, None, None, "Yes", None]
    assert sheet["B3"].value is None
    # Widths follow the contents: the long name's column is wider than the id's, and
    # the money column fits $30,604,896.97.
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDI"}
    assert widths["B"] > widths["A"] >= 8
    assert widths["C"] >= len("$30,604,896.97")
    notes = book["Columns"]
    assert [c.value for c in notes[1]] == ["Column", "Name in the data", "Definition"]
    assert [notes.cell(row=4, column=c).value for c in (1, 2, 3)] == [
        "Net revenue", "net_revenue", "What customers actually paid."]


def test_currency_follows_the_app():
    _, sheet = sheet_of(to_excel_bytes(pd.DataFrame({"profit": [-1.5]}), currency="€"))
    assert sheet["A2"].number_format == '"€"#,##0.00;-"€"#,##0.00'
    assert sheet["A2"].value == -1.5


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", " =1", "\uff1d1", "\tx"])
def test_the_formula_guard_holds_in_both_files(text):
    frame = pd.DataFrame({"name": [text], text: [1.0]})
    _, sheet = sheet_of(to_excel_bytes(frame))
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'" + text
    assert not starts_formula(sheet["B1"].value)  # the header too
    header = human_csv_bytes(frame).decode("utf-8")[1:].splitlines()[0]
    assert header.startswith('"Name","') and not starts_formula(header[8:])


def test_dates_and_whole_numbers():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-31", None]),
                          "year": [2024, 2025], "minutes": [1.5, 2.0]})
    _, sheet = sheet_of(to_excel_bytes(frame))
    assert sheet["A2"].value == dt.datetime(2024, 1, 31)
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["A3"].value is None
    assert sheet["B2"].number_format == "0"  # a year, never 2,024
    assert sheet["C2"].number_format == "#,##0.00"


def test_human_frame_fractions_for_excel():
    out, _ = human_frame(customers(), fractions=True)
    assert out["Net margin %"].tolist()[:2] == [0.335052, -0.0425]
    assert out["Chance of a loss %"].tolist()[:2] == [0.125, 1.0]


def test_file_name_carries_period_and_filters():
    first, last = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    assert export_file_name("customers", Selection(segments=["Demanding"]), first,
                            last) == "customers_2024-01-01_2024-12-31_Demanding"
    chosen = Selection(dt.date(2024, 4, 1), dt.date(2024, 6, 30), segments=["A B"],
                       regions=["North", "a/b:c"])
    assert export_file_name("profit-by-segment", chosen, first, last) == (
        "profit-by-segment_2024-04-01_2024-06-30_A-B_North_a-b-c")
    assert export_file_name("customers", Selection(), first, last) == (
        "customers_2024-01-01_2024-12-31")
    assert export_file_name("validation-problems") == "validation-problems"


def test_app_buttons_name_files_after_the_selection(monkeypatch):
    from pages.ui import widgets
    from tests.analytics.test_export import _FakeStreamlit

    fake = _FakeStreamlit(Selection(dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                    segments=["Demanding"]))
    monkeypatch.setattr(widgets, "st", fake)
    widgets.download_buttons(customers(), "customers", key="k",
                             columns={"name": {"label": "Customer name"}})
    assert set(fake.clicks) == {"customers_2024-01-01_2024-12-31_Demanding.csv",
                                "customers_2024-01-01_2024-12-31_Demanding.xlsx"}
    data = fake.clicks["customers_2024-01-01_2024-12-31_Demanding.xlsx"]()
    _, sheet = sheet_of(data)
    assert sheet["B1"].value == "Customer name"
    fake = _FakeStreamlit(Selection(segments=["Demanding"]))
    monkeypatch.setattr(widgets, "st", fake)
    widgets.download_buttons(customers(), "problems", key="k", filtered=False)
    assert set(fake.clicks) == {"problems.csv", "problems.xlsx"}
