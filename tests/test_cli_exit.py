"""python -m analytics exit: the files for each way of choosing customers, bad input exit 2."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.cli import main
from analytics.money import to_cents
from tests.conftest import ROOT
from tests.test_cli_recipe import _recipe

COLUMNS = ["customer_id", "name", "segment", "quadrant", "net_revenue", "cogs",
           "avoidable_cost", "stranded_capacity_cost", "cost_to_serve", "profit",
           "profit_change_capacity_kept", "profit_change_capacity_cut"]
SUMS = {"net_revenue": "revenue_lost", "cogs": "cogs_saved",
        "avoidable_cost": "avoidable_cost_saved",
        "stranded_capacity_cost": "capacity_cost_stranded", "profit": "profit",
        "profit_change_capacity_kept": "profit_change_capacity_kept",
        "profit_change_capacity_cut": "profit_change_capacity_cut"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exit") / "sample"
    assert main(["sample", str(folder), "--customers", "200"]) == 0
    return folder


@pytest.fixture(scope="module")
def report(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("exit") / "report"
    assert main(["report", str(sample), "--out", str(out)]) == 0
    return pd.read_csv(out / "customer_pnl.csv", dtype={"customer_id": str})


def read(out):
    rows = pd.read_csv(out / "exit_customers.csv", dtype={"customer_id": str})
    summary = json.loads((out / "exit_summary.json").read_text(encoding="utf-8"))
    return rows, summary


def check_adds_up(rows, summary):
    assert list(rows.columns) == COLUMNS
    assert summary["customers"] == len(rows)
    for column, key in SUMS.items():
        assert int(to_cents(rows[column].to_numpy()).sum()) == to_cents(summary[key]), column
    kept, cut = summary["profit_change_capacity_kept"], summary["profit_change_capacity_cut"]
    assert to_cents(cut) - to_cents(kept) == to_cents(summary["capacity_cost_stranded"])
    assert to_cents(cut) == -to_cents(summary["profit"])


def test_bottom_pct_end_to_end(sample, report, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "exit", str(sample), "--bottom-pct", "10",
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "20 customers" in result.stdout and "with capacity kept" in result.stdout
    rows, summary = read(out)
    check_adds_up(rows, summary)
    # The 20 least profitable of the report's 200, and their P&L as the report has it.
    worst = report.sort_values(["profit", "customer_id"], ascending=[True, False]).head(20)
    assert sorted(rows["customer_id"]) == sorted(worst["customer_id"])
    merged = rows.merge(report, on="customer_id", suffixes=("", "_report"))
    for column in ("net_revenue", "cogs", "cost_to_serve", "profit"):
        assert (to_cents(merged[column].to_numpy())
                == to_cents(merged[f"{column}_report"].to_numpy())).all(), column
    assert {"customers", "revenue_lost", "cogs_saved", "avoidable_cost_saved",
            "capacity_cost_stranded", "profit_change_capacity_kept",
            "profit_change_capacity_cut", "capacity_to_cut", "break_even",
            "period"} <= set(summary)
    resources = summary["capacity_to_cut"]
    assert {r["resource"] for r in resources} <= {"Customer service", "Logistics",
                                                  "Technical support", "Field sales"}
    assert sum(to_cents(r["stranded_cost"]) for r in resources) == to_cents(
        summary["capacity_cost_stranded"])
    if summary["break_even"]["status"] == "partial":
        assert sum(to_cents(r["break_even_cut_cost"]) for r in resources) == -to_cents(
            summary["profit_change_capacity_kept"])


def test_hand_picked_customers(sample, report, tmp_path):
    ids = report["customer_id"].iloc[[3, 0, 7]].tolist()
    out = tmp_path / "out"
    assert main(["exit", str(sample), "--customers", " , ".join(ids), "--out", str(out)]) == 0
    rows, summary = read(out)
    check_adds_up(rows, summary)
    assert rows["customer_id"].tolist() == sorted(ids)
    picked = report.set_index("customer_id").loc[ids]
    assert summary["revenue_lost"] == pytest.approx(picked["net_revenue"].sum(), abs=0.005)
    assert summary["profit_change_capacity_cut"] == pytest.approx(-picked["profit"].sum(),
                                                                 abs=0.005)


def test_quadrant_and_segment(sample, report, tmp_path):
    assert main(["exit", str(sample), "--quadrant", "aggressive", "--out",
                 str(tmp_path / "q")]) == 0
    rows, summary = read(tmp_path / "q")
    check_adds_up(rows, summary)
    aggressive = report[report["quadrant"] == "aggressive"]
    assert sorted(rows["customer_id"]) == sorted(aggressive["customer_id"])
    assert len(rows) > 0
    segment = report["segment"].dropna().iloc[0]
    assert main(["exit", str(sample), "--segment", segment, "--out", str(tmp_path / "s")]) == 0
    rows, summary = read(tmp_path / "s")
    check_adds_up(rows, summary)
    assert set(rows["segment"]) == {segment}
    assert len(rows) == int((report["segment"] == segment).sum())


def test_database_and_period(sample, tmp_path):
    db = tmp_path / "x.duckdb"
    assert main(["load", str(sample), "--db", str(db)]) == 0
    assert main(["exit", "--db", str(db), "--quadrant", "passive", "--out",
                 str(tmp_path / "a")]) == 0
    assert main(["exit", str(sample), "--quadrant", "passive", "--out",
                 str(tmp_path / "b")]) == 0
    assert read(tmp_path / "a")[1] == read(tmp_path / "b")[1]
    assert main(["exit", "--db", str(db), "--bottom-pct", "25", "--start", "2024-01-01",
                 "--end", "2024-03-31", "--out", str(tmp_path / "p")]) == 0
    rows, summary = read(tmp_path / "p")
    check_adds_up(rows, summary)
    assert summary["period"] == {"start": "2024-01-01", "end": "2024-03-31"}


def test_recipe(tmp_path, capsys):
    recipe, _ = _recipe(tmp_path)
    assert main(["exit", "--recipe", str(recipe), "--bottom-pct", "50", "--out",
                 str(tmp_path / "out")]) == 0
    rows, summary = read(tmp_path / "out")
    check_adds_up(rows, summary)
    # The recipe's returns and same-day shipments are direct costs: avoidable.
    assert summary["avoidable_cost_saved"] > 0
    assert [r["resource"] for r in summary["capacity_to_cut"]] == ["Customer service"]


def test_unknown_customer_exits_2_naming_it(sample, tmp_path, capsys, report):
    known = report["customer_id"].iloc[0]
    out = tmp_path / "out"
    assert main(["exit", str(sample), "--customers", f"{known},NOPE-1", "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert err == "error: --customers: unknown customer(s): NOPE-1\n"
    assert not out.exists()


@pytest.mark.parametrize(("extra", "message"), [
    ([], "one of the arguments --customers --quadrant --bottom-pct --segment is required"),
    (["--quadrant", "passive", "--segment", "x"], "not allowed with argument"),
    (["--quadrant", "whales"], "invalid choice: 'whales'"),
    (["--segment", "Nope"], "--segment: unknown segment: Nope"),
    (["--bottom-pct", "0"], "--bottom-pct: the bottom % must be above 0"),
    (["--bottom-pct", "abc"], '"abc" is not a number'),
    (["--customers", ", ,"], "--customers needs at least one customer id"),
    (["--quadrant", "passive", "--start", "2025-06-01", "--end", "2025-01-01"],
     "is after --end"),
])
def test_bad_options(sample, tmp_path, capsys, extra, message):
    assert main(["exit", str(sample), "--out", str(tmp_path / "o"), *extra]) == 2
    assert message in capsys.readouterr().err


def test_needs_exactly_one_dataset(sample, tmp_path, capsys):
    assert main(["exit", "--quadrant", "passive", "--out", str(tmp_path / "o")]) == 2
    assert "exit needs a dataset folder, --recipe RECIPE or --db PATH" in capsys.readouterr().err
