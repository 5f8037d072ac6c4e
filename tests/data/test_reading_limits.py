"""Reading limits checked while a file is read (issue 14): rows in one file
(PROFITLENS_MAX_ROWS: a workbook streamed and stopped at the limit, a Parquet file's row
count from its footer) and the length of one CSV line (PROFITLENS_MAX_LINE_MB). Each
refusal names the limit and the setting; each test failed on the code before (no row
limit; the line limit fixed at 8 MB, its refusal naming neither)."""

import zipfile

import pytest

from analytics.cli import main

HEADER = ["customer_id", "date", "net_revenue"]


def rows(count: int) -> list[list]:
    return [[f"C{i}", "2024-01-05", 10] for i in range(count)]


def load(folder, capsys) -> tuple[int, list[str]]:
    status = main(["load", str(folder), "--db", str(folder.parent / "x.duckdb")])
    return status, capsys.readouterr().err.splitlines()


def workbook(path, data: list[list]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in data:
        book.active.append(row)
    book.save(path)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "ds"
    path.mkdir()
    return path


def test_a_workbook_of_one_row_more_than_the_limit_is_refused(folder, capsys, monkeypatch):
    monkeypatch.setenv("PROFITLENS_MAX_ROWS", "50")
    workbook(folder / "transactions.xlsx", rows(51))
    status, lines = load(folder, capsys)
    assert status == 2
    assert lines == ["transactions.xlsx: has more than 50 rows, the most allowed in one file "
                     "(raise PROFITLENS_MAX_ROWS to read it)"]
    workbook(folder / "transactions.xlsx", rows(50))
    status, lines = load(folder, capsys)
    assert status == 0, lines


def test_a_tiny_workbook_declaring_millions_of_rows_stops_at_the_worksheet_limit(
        folder, capsys):
    """A 5 KB workbook whose last cell is on row 2,000,000: openpyxl streams every blank
    row before it; reading stops past the 1,048,576 rows a worksheet holds."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["C1", "2024-01-05", 1])
    book.active.cell(row=999_999, column=1, value="C2")  # openpyxl writes no more
    book.save(folder / "far.xlsx")
    with zipfile.ZipFile(folder / "far.xlsx") as src, \
            zipfile.ZipFile(folder / "transactions.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # the cell and the dimension
                assert data.count(b"999999") == 3
                data = data.replace(b"999999", b"2000000")
            dst.writestr(item, data)
    (folder / "far.xlsx").unlink()
    assert (folder / "transactions.xlsx").stat().st_size < 10_000
    status, lines = load(folder, capsys)
    assert status == 2
    assert lines == ["transactions.xlsx: has more than 1,048,575 rows, more than an Excel "
                     "worksheet holds (save it as CSV or Parquet)"]


def test_a_parquet_file_of_more_rows_than_the_limit_is_refused_from_its_footer(
        folder, capsys, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("PROFITLENS_MAX_ROWS", "4")
    pd.DataFrame(rows(5), columns=HEADER).to_parquet(folder / "transactions.parquet")
    status, lines = load(folder, capsys)
    assert status == 2
    assert lines == ["transactions.parquet: has more than 4 rows, the most allowed in one "
                     "file (raise PROFITLENS_MAX_ROWS to read it)"]
    pd.DataFrame(rows(4), columns=HEADER).to_parquet(folder / "transactions.parquet")
    status, lines = load(folder, capsys)
    assert status == 0, lines


def test_a_csv_line_longer_than_the_limit_is_refused_by_line(folder, capsys, monkeypatch):
    monkeypatch.setenv("PROFITLENS_MAX_LINE_MB", "1")
    long = "x" * (3 << 19)  # 1.5 MB
    (folder / "transactions.csv").write_text(
        "customer_id,date,net_revenue,note\nC1,2024-01-05,1,a\n"
        f"C2,2024-01-05,1,{long}\nC3,2024-01-05,1,c\n")
    status, lines = load(folder, capsys)
    assert status == 2
    assert lines == ["transactions.csv line 3: the line is longer than the 1 MB allowed for "
                     "one line (raise PROFITLENS_MAX_LINE_MB to read it)"]
    # Raised, it reads the line (8 MB, the default, would too).
    monkeypatch.setenv("PROFITLENS_MAX_LINE_MB", "2")
    status, lines = load(folder, capsys)
    assert status == 0, lines


def test_a_header_longer_than_the_line_limit_is_refused_on_the_data_page_too(
        folder, capsys, monkeypatch):
    from data.mapping import read_headers
    from data.sources import SourceError

    monkeypatch.setenv("PROFITLENS_MAX_LINE_MB", "1")
    monkeypatch.setenv("PROFITLENS_MAX_COLUMNS", "200000")
    names = ",".join(f"column_{i}" for i in range(120_000))  # about 1.4 MB
    (folder / "transactions.csv").write_text(
        f"customer_id,date,net_revenue,{names}\nC1,2024-01-05,1\n")
    expected = ("transactions.csv line 1: the header is longer than the 1 MB allowed for "
                "one line (raise PROFITLENS_MAX_LINE_MB to read it)")
    status, lines = load(folder, capsys)
    assert status == 2
    assert lines == [expected]
    with pytest.raises(SourceError) as refused:
        read_headers(folder / "transactions.csv")
    assert str(refused.value) == expected


@pytest.mark.parametrize(("length", "refused"), [((1 << 20) - 1, False), (1 << 20, False),
                                               ((1 << 20) + 1, True)])
@pytest.mark.parametrize("after", [0, 5, 70_000])
def test_the_header_limit_holds_to_the_byte(monkeypatch, length, refused, after):
    """The header is read in 64 KiB steps: one that ends within the limit, with more of
    the file after it in the same step, is read; one a byte longer is refused."""
    import io

    from data.sources import SourceError, read_head

    monkeypatch.setenv("PROFITLENS_MAX_LINE_MB", "1")
    data = b"h" * length + b"\n" + b"y" * after
    if refused:
        with pytest.raises(SourceError, match="the header is longer than the 1 MB allowed"):
            read_head(io.BytesIO(data), "f.csv")
    else:
        assert read_head(io.BytesIO(data), "f.csv").startswith(b"h" * length + b"\n")
