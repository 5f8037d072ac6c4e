"""python -m analytics end to end: sample, load, report, and the exit statuses."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.cli import main
from tests.conftest import ROOT

SUMMARY_KEYS = {"customers", "list_revenue", "net_revenue", "cogs", "net_margin",
                "cost_to_serve", "profit", "unused_capacity_cost", "whale", "quadrants"}
PNL_COLUMNS = ["customer_id", "name", "segment", "list_revenue", "discounts", "net_revenue",
               "cogs", "net_margin", "net_margin_pct", "cost_to_serve", "profit", "quadrant"]


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "sample"
    assert main(["sample", str(folder), "--customers", "300", "--seed", "11"]) == 0
    return folder


def test_sample_load_report_by_database(small_sample, tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    assert main(["load", str(small_sample), "--db", str(db)]) == 0
    printed = capsys.readouterr().out
    assert "transactions:" in printed and "customers: 300 rows" in printed
    out = tmp_path / "report"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["capacity.csv", "customer_pnl.csv", "regions.csv", "segments.csv",
                     "summary.json", "whale.csv"]
    pnl = pd.read_csv(out / "customer_pnl.csv")
    assert list(pnl.columns[:12]) == PNL_COLUMNS
    assert all(c.startswith("cts_") for c in pnl.columns[12:]) and len(pnl.columns) > 22
    whale = pd.read_csv(out / "whale.csv")
    assert list(whale.columns) == ["rank", "customer_id", "profit", "cum_customers_pct",
                                   "cum_profit_pct", "cum_revenue_pct"]
    capacity = pd.read_csv(out / "capacity.csv")
    assert list(capacity.columns) == ["resource", "cost", "capacity", "used", "unused",
                                      "unused_cost"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary.keys() >= SUMMARY_KEYS
    assert set(summary["whale"]) >= {"peak_pct", "peak_customers_pct", "top20_profit_pct",
                                     "bottom10_profit_pct"}
    assert sum(summary["quadrants"].values()) == summary["customers"] == len(pnl) == 300
    # The files agree with each other to the cent.
    assert round(pnl["profit"].sum(), 2) == pytest.approx(summary["profit"], abs=0.01)
    cts = pnl[[c for c in pnl.columns if c.startswith("cts_")]].sum(axis=1)
    assert (cts - pnl["cost_to_serve"]).abs().max() <= 0.02
    assert whale["cum_profit_pct"].iloc[-1] == pytest.approx(100.0)
    segments = pd.read_csv(out / "segments.csv")
    assert segments["customers"].sum() == 300
    assert segments["profit"].sum() == pytest.approx(summary["profit"], abs=0.05)


def test_report_from_folder_equals_report_from_database(small_sample, tmp_path):
    db = tmp_path / "s.duckdb"
    assert main(["load", str(small_sample), "--db", str(db)]) == 0
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "a")]) == 0
    assert main(["report", str(small_sample), "--out", str(tmp_path / "b")]) == 0
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert a == b


def test_period_filter(small_sample, tmp_path):
    out = tmp_path / "year"
    args = ["report", str(small_sample), "--out", str(out), "--start", "2023-01-01",
            "--end", "2023-12-31"]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    lines = pd.read_csv(small_sample / "transactions.csv", parse_dates=["date"])
    year = lines[lines["date"].dt.year == 2023]
    assert summary["net_revenue"] == pytest.approx(round(year["net_revenue"].sum(), 2), abs=0.005)
    assert summary["period"] == {"start": "2023-01-01", "end": "2023-12-31"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--out", "x"], "a dataset folder, --recipe RECIPE or --db"),
        (["report", "--db", "nowhere.duckdb", "--out", "x"], "no such database"),
        (["report", ".", "--out", "x", "--start", "2024-02-30"], "is not a date"),
        (["report", ".", "--out", "x", "--start", "2024-03-01", "--end", "2024-01-01"],
         "is after"),
        (["report", ".", "--out", "x", "--margin-threshold", "20"], "go together"),
        (["sample", "x", "--customers", "0"], "at least 1"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_invalid_arguments_exit_2(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_other_failures_exit_1_without_traceback(small_sample, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "report", str(small_sample), "--out",
         str(blocker / "sub")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["sample", "load", "report", "scenario", "exit",
                                     "portfolio", "compare", "pack"])
def test_every_command_explains_itself(command, capsys):
    # argparse formats help texts with %: a bare "%" printed the argument's whole dict.
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: python -m analytics " + command)
    assert "option_strings" not in text and "%(" not in text
