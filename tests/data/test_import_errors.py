"""Bad input is refused: exit status 2, one exact line per problem, never a traceback.

Every bad-input class of the import contract (issue 2, section 2) is built as a tiny dataset
in ``tmp_path`` (bytes written exactly) and loaded through the command line, in-process with
``analytics.cli.main`` and, for a few, in a real ``python -m analytics`` subprocess.
Line numbers follow the convention of ``data/sources.py``: the CSV header is line 1, a
record holding a quoted line break is still one line, blank lines are not counted; Excel
problems name the worksheet row, Parquet problems the data row (first = 1).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics.cli import main

ROOT = Path(__file__).resolve().parents[2]

TX = b"customer_id,date,net_revenue\nC1,2024-01-05,100.00\nC2,2024-01-06,50.00\n"
ACT = b"customer_id,activity,quantity\nC1,order,3\nC2,complaint,1\n"
RATES = b"activity,resource,unit_time\norder,cs,40\ncomplaint,cs,220\n"
RESOURCES = b"resource,cost,capacity\ncs,560000,700000\n"

ISO_TRIED = "(expected YYYY-MM-DD, the column's format; also tried DD.MM.YYYY, YYYY/MM/DD)"


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_dataset(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "ds"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def load(tmp_path: Path, files: dict[str, bytes], capsys) -> tuple[int, list[str], str]:
    """Load ``files`` with ``python -m analytics load``; return (status, stderr lines, stdout)."""
    folder = make_dataset(tmp_path, files)
    status = main(["load", str(folder), "--db", str(tmp_path / "store.duckdb")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return status, captured.err.splitlines(), captured.out


# (files, exact stderr lines), one case per bad-input class.
CASES = {
    "empty_file": (
        {"transactions.csv": b""},
        ["transactions.csv: the file is empty"],
    ),
    "only_blank_lines": (
        {"transactions.csv": b"\r\n\r\n"},
        ["transactions.csv: the file is empty"],
    ),
    "header_only": (
        {"transactions.csv": b"customer_id,date,net_revenue\r\n"},
        ["transactions.csv: has a header but no data rows"],
    ),
    "binary_bytes": (
        {"transactions.csv": b"\x00\x01\x02\x03garbage\x00\xff"},
        ["transactions.csv: is not a text file (CSV expected)"],
    ),
    "nul_byte_far_into_the_file": (
        {"transactions.csv": TX + b"C3,2024-01-07,1.00\n" * 5000 + b"C4,2024-01-08,\x00\n"},
        ["transactions.csv: is not a text file (CSV expected)"],
    ),
    "xlsx_renamed_csv": (
        {"transactions.csv": xlsx_bytes([["customer_id", "date", "net_revenue"], ["C1", 1, 2]])},
        ["transactions.csv: is not a text file (it looks like an Excel workbook: save it with "
         "an .xlsx name, or export it as CSV)"],
    ),
    "missing_required_column": (
        {"transactions.csv": b"Customer_ID,Net_Revenue\nC1,5\n"},
        ['transactions.csv line 1: required column "date" is missing '
         "(found: Customer_ID, Net_Revenue)"],
    ),
    "empty_customer_id": (
        {"transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05,1\n ,2024-01-05,2\n"},
        ["transactions.csv line 3, customer_id: is empty"],
    ),
    "impossible_date": (
        {"transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05,1\nC1,2023-02-30,2\n"},
        ['transactions.csv line 3, date: "2023-02-30" is not a valid date '
        + ISO_TRIED],
    ),
    "not_a_number": (
        {"transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05,1.00\n"
         b"C2,2024-01-05,2.00\nC3,2024-01-05,12O.00\n"},
        ['transactions.csv line 4, net_revenue: "12O.00" is not a number'],
    ),
    "negative_cost_per_unit": (
        {"transactions.csv": TX, "activities.csv": ACT,
         "rates.csv": b"activity,cost_per_unit\norder,-1.50\ncomplaint,176\n"},
        ['rates.csv line 2, cost_per_unit: "-1.50" must not be negative'],
    ),
    "negative_unit_time": (
        {"transactions.csv": TX, "activities.csv": ACT, "resources.csv": RESOURCES,
         "rates.csv": b"activity,resource,unit_time\norder,cs,40\ncomplaint,cs,-220\n"},
        ['rates.csv line 3, unit_time: "-220" must not be negative'],
    ),
    "negative_resource_cost": (
        {"transactions.csv": TX, "activities.csv": ACT, "rates.csv": RATES,
         "resources.csv": b"resource,cost,capacity\ncs,-560000,700000\n"},
        ['resources.csv line 2, cost: "-560000" must not be negative'],
    ),
    "zero_capacity": (
        {"transactions.csv": TX, "activities.csv": ACT, "rates.csv": RATES,
         "resources.csv": b"resource,cost,capacity\ncs,560000,0\n"},
        ['resources.csv line 2, capacity: "0" must be greater than zero'],
    ),
    "negative_capacity": (
        {"transactions.csv": TX, "activities.csv": ACT, "rates.csv": RATES,
         "resources.csv": b"resource,cost,capacity\ncs,560000,-700000\n"},
        ['resources.csv line 2, capacity: "-700000" must be greater than zero'],
    ),
    "activity_without_rate": (
        {"transactions.csv": TX, "activities.csv": ACT + b"C1,credit check,2\nC2,credit check,1\n",
         "rates.csv": RATES, "resources.csv": RESOURCES},
        ['activities.csv line 4, activity: "credit check" has no rate in rates.csv (2 row(s))'],
    ),
    "rate_naming_unknown_resource": (
        {"transactions.csv": TX, "activities.csv": ACT, "resources.csv": RESOURCES,
         "rates.csv": b"activity,resource,unit_time\norder,cs,40\ncomplaint,call centre,220\n"},
        ['rates.csv line 3, resource: "call centre" is not in resources.csv'],
    ),
    "duplicate_customer_id": (
        {"transactions.csv": TX,
         "customers.csv": b"customer_id,name\nC1,Acme\nC2,Beta\nC1,Acme again\n"},
        ['customers.csv line 4, customer_id: "C1" is a duplicate of line 2'],
    ),
    "ragged_row_too_many_fields": (
        {"transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05,1\n"
         b"C2,2024-01-05,1,234.00\n"},
        ["transactions.csv line 3: the row has 4 field(s), the header has 3"],
    ),
    "ragged_row_too_few_fields": (
        {"transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05\nC2,2024-01-05,1\n"},
        ["transactions.csv line 2: the row has 2 field(s), the header has 3"],
    ),
    "unclosed_quote": (
        {"transactions.csv": b'customer_id,date,net_revenue\nC1,2024-01-05,"1\nC2,2024-01-05,2\n'},
        ["transactions.csv line 2: a quote is not closed or a field has stray quotes"],
    ),
    "rate_with_both_cost_per_unit_and_resource": (
        {"transactions.csv": TX, "activities.csv": ACT, "resources.csv": RESOURCES,
         "rates.csv": b"activity,cost_per_unit,resource,unit_time\norder,32,cs,40\n"
         b"complaint,,cs,220\n"},
        ["rates.csv line 2: activity 'order' gives both cost_per_unit and resource/unit_time: "
         "give one or the other"],
    ),
    "rate_with_resource_but_no_unit_time": (
        {"transactions.csv": TX, "activities.csv": ACT, "resources.csv": RESOURCES,
         "rates.csv": b"activity,resource,unit_time\norder,cs,40\ncomplaint,cs,\n"},
        ["rates.csv line 3, unit_time: activity 'complaint' is empty (a rate with a resource "
         "needs unit_time)"],
    ),
    "activities_without_rates_file": (
        {"transactions.csv": TX, "activities.csv": ACT},
        ["activities.csv: needs a rates file to cost its activities (rates.csv with activity "
         "and cost_per_unit, or resource and unit_time)"],
    ),
    "rates_naming_resource_without_resources_file": (
        {"transactions.csv": TX, "activities.csv": ACT, "rates.csv": RATES},
        ['rates.csv line 2, resource: "cs" names a resource but the dataset has no resources '
         "file"],
    ),
    "two_files_for_one_table": (
        {"transactions.csv": TX, "Transactions.xlsx": xlsx_bytes([["customer_id"]])},
        ["ds: more than one file for table transactions: Transactions.xlsx, transactions.csv"],
    ),
    "no_transactions_file": (
        {"customers.csv": b"customer_id\nC1\n"},
        ["dataset: a transactions file is required (transactions.csv, .xlsx or .parquet)"],
    ),
    "xlsx_not_a_workbook": (
        {"transactions.xlsx": b"customer_id,date,net_revenue\n"},
        ["transactions.xlsx: is not a readable Excel workbook (File is not a zip file)"],
    ),
    "parquet_not_parquet": (
        {"transactions.parquet": TX},
        ["transactions.parquet: is not a readable Parquet file"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_refused_with_exact_message(tmp_path, capsys, case):
    files, expected = CASES[case]
    status, lines, _ = load(tmp_path, files, capsys)
    assert status == 2
    assert lines == expected


def test_refused_load_writes_nothing_to_stdout(tmp_path, capsys):
    status, lines, out = load(tmp_path, {"transactions.csv": b""}, capsys)
    assert (status, out) == (2, "")
    assert lines == ["transactions.csv: the file is empty"]


def test_report_command_refuses_bad_input_too(tmp_path, capsys):
    folder = make_dataset(tmp_path, {"transactions.csv": CASES["not_a_number"][0]
                                     ["transactions.csv"]})
    status = main(["report", str(folder), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == ['transactions.csv line 4, net_revenue: "12O.00" is not a number']
    assert not (tmp_path / "out").exists()


# --- line numbers -------------------------------------------------------------------


def test_line_numbers_after_a_record_holding_line_breaks(tmp_path, capsys):
    content = (
        b"customer_id,date,net_revenue,product_id\r\n"
        b'C1,2024-01-05,1.00,"Widget, large\r\nsecond line\r\nthird line"\r\n'
        b"C2,2024-01-05,twelve,P2\r\n"
    )
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines == ['transactions.csv line 3, net_revenue: "twelve" is not a number']


def test_ragged_row_line_number_after_a_record_holding_line_breaks(tmp_path, capsys):
    content = (
        b"customer_id,date,net_revenue,product_id\n"
        b'C1,2024-01-05,1.00,"two\nlines"\n'
        b"C2,2024-01-05,1.00,P2,extra\n"
    )
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines == ["transactions.csv line 3: the row has 5 field(s), the header has 4"]


def test_blank_lines_are_not_counted_for_bad_values_or_ragged_rows(tmp_path, capsys):
    content = (
        b"customer_id,date,net_revenue,product_id\r\n\r\n"
        b"C1,2024-01-05,1.00,P1\r\n\r\n\r\n"
        b'C2,2024-01-05,1.00,"a\r\n\r\nb"\r\n'
        b"C3,2024-01-05,1.00,P3,extra\r\n"
    )
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines == ["transactions.csv line 4: the row has 5 field(s), the header has 4"]
    bad_value = content.replace(b"C3,2024-01-05,1.00,P3,extra", b"C3,2024-01-05,?,P3")
    (tmp_path / "second").mkdir()
    status, lines, _ = load(tmp_path / "second", {"transactions.csv": bad_value}, capsys)
    assert status == 2
    assert lines == ['transactions.csv line 4, net_revenue: "?" is not a number']


def test_windows_1252_file_problem_shows_the_value_correctly(tmp_path, capsys):
    content = "customer_id,date,net_revenue\r\nMüller,2024-01-05,€ 12x\r\n".encode("cp1252")
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines == ['transactions.csv line 2, net_revenue: "€ 12x" is not a number']


def test_xlsx_problems_name_the_worksheet_row(tmp_path, capsys):
    content = xlsx_bytes([
        ["customer_id", "date", "net_revenue"],
        ["C1", "2023-02-30", 12.5],
        [],
        [None, "2024-01-05", "12O.00"],
    ])
    status, lines, _ = load(tmp_path, {"transactions.xlsx": content}, capsys)
    assert status == 2
    assert lines == [
        "transactions.xlsx row 4, customer_id: is empty",
        'transactions.xlsx row 2, date: "2023-02-30" is not a valid date '
        + ISO_TRIED,
        'transactions.xlsx row 4, net_revenue: "12O.00" is not a number',
    ]


def test_parquet_problems_name_the_data_row(tmp_path, capsys):
    folder = make_dataset(tmp_path, {})
    frame = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3"],
        "date": ["2024-01-05", "2024-13-01", "2024-01-07"],
        "net_revenue": ["1.00", "2.00", "n/a"],
    })
    frame.to_parquet(folder / "transactions.parquet")
    status = main(["load", str(folder), "--db", str(tmp_path / "store.duckdb")])
    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        'transactions.parquet row 2, date: "2024-13-01" is not a valid date '
        + ISO_TRIED,
        'transactions.parquet row 3, net_revenue: "n/a" is not a number',
    ]


# --- many problems ------------------------------------------------------------------


def test_every_problem_in_a_dataset_is_reported_one_line_each(tmp_path, capsys):
    files = {
        "transactions.csv": b"customer_id,date,net_revenue\nC1,2024-01-05,1.00\n"
        b",2024-01-06,2.00\nC3,2023-02-30,3.00\nC4,2024-01-08,12O.00\n",
        "activities.csv": ACT,
        "rates.csv": b"activity,cost_per_unit\norder,-5\ncomplaint,10\n",
        "customers.csv": b"customer_id,name\nC1,A\nC1,B\n",
        "resources.csv": b"resource,cost,capacity\ncs,100,0\n",
    }
    status, lines, _ = load(tmp_path, files, capsys)
    assert status == 2
    assert lines == [
        "transactions.csv line 3, customer_id: is empty",
        'transactions.csv line 4, date: "2023-02-30" is not a valid date '
        + ISO_TRIED,
        'transactions.csv line 5, net_revenue: "12O.00" is not a number',
        'rates.csv line 2, cost_per_unit: "-5" must not be negative',
        'resources.csv line 2, capacity: "0" must be greater than zero',
        'customers.csv line 3, customer_id: "C1" is a duplicate of line 2',
    ]


def test_thousands_of_bad_values_print_a_bounded_summary(tmp_path, capsys):
    content = b"customer_id,date,net_revenue\n" + b"C1,2024-01-05,x\n" * 3000
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert lines == [
        *(f'transactions.csv line {n}, net_revenue: "x" is not a number' for n in range(2, 7)),
        "transactions.csv, net_revenue: 2,995 more row(s) where it is not a number",
    ]


def test_thousands_of_ragged_rows_print_a_bounded_summary(tmp_path, capsys):
    content = b"customer_id,date,net_revenue\n" + b"C1,2024-01-05,1,2\n" * 3000
    status, lines, _ = load(tmp_path, {"transactions.csv": content}, capsys)
    assert status == 2
    assert len(lines) == 11
    assert lines[0] == "transactions.csv line 2: the row has 4 field(s), the header has 3"
    assert lines[-1] == "transactions.csv: 2,990 more rows cannot be read as CSV"


def test_thousands_of_duplicate_keys_print_a_bounded_summary(tmp_path, capsys):
    customers = b"customer_id\n" + b"C1\n" * 3000
    status, lines, _ = load(tmp_path, {"transactions.csv": TX, "customers.csv": customers},
                            capsys)
    assert status == 2
    assert len(lines) == 22
    assert lines[0] == 'customers.csv line 3, customer_id: "C1" is a duplicate of line 2'
    assert lines[-2] == "customers.csv, customer_id: 2,979 more duplicate row(s)"
    assert lines[-1].startswith("customers.csv: if this file repeats each customer on every "
                                "line (an export of order lines), load it as the transactions")


def test_many_activities_without_rates_print_a_bounded_summary(tmp_path, capsys):
    activities = b"customer_id,activity,quantity\n" + b"".join(
        b"C1,task %d,1\n" % i for i in range(100)
    )
    files = {"transactions.csv": TX, "activities.csv": activities,
             "rates.csv": b"activity,cost_per_unit\norder,1\n"}
    status, lines, _ = load(tmp_path, files, capsys)
    assert status == 2
    assert len(lines) == 21
    assert lines[0] == (
        'activities.csv line 2, activity: "task 0" has no rate in rates.csv (1 row(s))'
    )
    assert lines[-1] == "activities.csv, activity: 80 more activity name(s) have no rate"


def test_many_rate_rows_without_a_cost_print_a_bounded_summary(tmp_path, capsys):
    rates = b"activity,cost_per_unit,resource,unit_time\n" + b"".join(
        b"task %d,,,\n" % i for i in range(12)
    )
    status, lines, _ = load(tmp_path, {"transactions.csv": TX, "rates.csv": rates}, capsys)
    assert status == 2
    assert lines[0] == ("rates.csv line 2: activity 'task 0' has no cost_per_unit, and no "
                        "resource with unit_time")
    assert lines[-1] == "rates.csv: 7 more row(s) like these"
    assert len(lines) == 6


# --- a broken companion file does not cause misleading follow-up messages -----------


def test_broken_rates_file_is_not_reported_as_missing(tmp_path, capsys):
    files = {"transactions.csv": TX, "activities.csv": ACT,
             "rates.csv": b"name,cost_per_unit\norder,1\n"}
    status, lines, _ = load(tmp_path, files, capsys)
    assert status == 2
    assert lines == [
        'rates.csv line 1: required column "activity" is missing (found: name, cost_per_unit)'
    ]


def test_empty_resources_file_is_not_reported_as_missing(tmp_path, capsys):
    files = {"transactions.csv": TX, "activities.csv": ACT, "rates.csv": RATES,
             "resources.csv": b""}
    status, lines, _ = load(tmp_path, files, capsys)
    assert status == 2
    assert lines == ["resources.csv: the file is empty"]


# --- the real process ---------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_subprocess_exit_status_2_and_no_traceback_for_a_bad_value(tmp_path):
    folder = make_dataset(tmp_path, {"transactions.csv": CASES["not_a_number"][0]
                                     ["transactions.csv"]})
    result = run_cli("load", str(folder), "--db", str(tmp_path / "store.duckdb"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'transactions.csv line 4, net_revenue: "12O.00" is not a number'
    ]
    assert "Traceback" not in result.stderr + result.stdout


def test_subprocess_exit_status_2_and_no_traceback_for_a_binary_file(tmp_path):
    folder = make_dataset(tmp_path, {"transactions.csv": bytes(range(256)) * 4})
    result = run_cli("report", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["transactions.csv: is not a text file (CSV expected)"]
    assert "Traceback" not in result.stderr + result.stdout
