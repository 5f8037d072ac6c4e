"""Exports: formula-safe cells, money to the cent, CSV and Excel."""

import io

import openpyxl
import pandas as pd

from analytics.export import neutralise, round_for_export, to_csv, to_excel_bytes

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
