"""python -m analytics scenario end to end: the files, and bad input refused with exit 2."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from analytics.cli import main
from tests.bad_menus import BAD_MENUS
from tests.conftest import ROOT
from tests.data.conftest import write_dataset

SCENARIO_COLUMNS = ["customer_id", "net_revenue_before", "net_revenue_after", "fee_revenue",
                    "cost_to_serve_before", "cost_to_serve_after", "profit_before",
                    "profit_after", "bill_change_pct", "quadrant_before", "quadrant_after",
                    "at_risk", "cogs_before", "cogs_after", "avoidable_cost_saved",
                    "stranded_capacity_cost", "volume_kept_pct"]
SUMMARY_KEYS = {"profit_before", "profit_after", "fee_revenue", "cost_saved",
                "core_price_effect", "customers", "customers_paying_more",
                "customers_at_risk", "profit_at_stake", "migration"}
QUADRANTS = {"passive", "carriage_trade", "bargain_basement", "aggressive"}
MENU = (
    "activity,fee_per_unit,usage_response_pct,rate_change_pct\n"
    "Order change,40,30,\n"
    "Expedited delivery,90,50,-10\n"
    "Technical support case,0,0,-40\n"
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenario") / "sample"
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "sample", str(folder), "--customers", "200"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def menu(tmp_path):
    path = tmp_path / "menu.csv"
    path.write_text(MENU, encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "scenario", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


def test_scenario_end_to_end(sample, menu, tmp_path):
    out = tmp_path / "out"
    result = run(str(sample), "--menu", str(menu), "--out", str(out),
                 "--core-price-change", "-2", "--at-risk", "5",
                 "--min-order-value", "400", "--small-order-fee", "25",
                 "--consolidation", "40", "--order-activity", "Order picking & dispatch")
    assert result.returncode == 0, result.stderr
    assert "operating profit" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["scenario_pnl.csv",
                                                     "scenario_summary.json"]
    pnl = pd.read_csv(out / "scenario_pnl.csv")
    assert list(pnl.columns) == SCENARIO_COLUMNS
    assert len(pnl) == 200 and pnl["customer_id"].is_unique
    assert set(pnl["quadrant_before"]) | set(pnl["quadrant_after"]) <= QUADRANTS
    assert pnl["fee_revenue"].min() >= 0
    assert pnl["net_revenue_after"].sum() == pytest.approx(0.98 * pnl["net_revenue_before"].sum())
    # Money to the cent.
    money = pnl[SCENARIO_COLUMNS[1:8]].to_numpy()
    assert (abs(money * 100 - (money * 100).round()) < 1e-6).all()
    summary = json.loads((out / "scenario_summary.json").read_text())
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["customers"] == 200
    assert sum(sum(row.values()) for row in summary["migration"].values()) == 200
    assert summary["customers_at_risk"] == int(pnl["at_risk"].sum())
    # The files agree to the cent: the summary's profits are the table's totals (less the
    # capacity stranded), and every row adds up.
    money = [*SCENARIO_COLUMNS[1:8], "cogs_before", "cogs_after", "avoidable_cost_saved",
             "stranded_capacity_cost"]
    cents = {c: (pnl[c] * 100).round().astype("int64") for c in money}
    assert round(summary["profit_before"] * 100) == cents["profit_before"].sum()
    assert round(summary["profit_after"] * 100) == (cents["profit_after"].sum()
                                                    - cents["stranded_capacity_cost"].sum())
    assert round(summary["fee_revenue"] * 100) == cents["fee_revenue"].sum()
    assert (cents["net_revenue_after"] + cents["fee_revenue"] - cents["cogs_after"]
            - cents["cost_to_serve_after"] == cents["profit_after"]).all()
    assert (cents["avoidable_cost_saved"] + cents["stranded_capacity_cost"]
            == cents["cost_to_serve_before"] - cents["cost_to_serve_after"]).all()
    assert summary["surcharge_revenue"] > 0 and summary["core_price_effect"] < 0
    steps = [step["amount"] for step in summary["bridge"]]
    assert round(sum(steps[:-1]), 2) == steps[-1] == summary["profit_after"]
    assert summary["scenario"]["minimum_order_value"] == 400.0


def test_scenario_by_database_and_capacity(sample, menu, tmp_path):
    db = tmp_path / "store.duckdb"
    assert main(["load", str(sample), "--db", str(db)]) == 0
    follows, stays = tmp_path / "follows", tmp_path / "stays"
    assert main(["scenario", "--db", str(db), "--menu", str(menu), "--out", str(follows),
                 "--capacity-follows-usage", "yes"]) == 0
    assert main(["scenario", "--db", str(db), "--menu", str(menu), "--out", str(stays)]) == 0
    a = json.loads((follows / "scenario_summary.json").read_text())
    b = json.loads((stays / "scenario_summary.json").read_text())
    assert a["unsaved_capacity_cost"] == 0 < b["unsaved_capacity_cost"]
    assert a["profit_after"] - b["profit_after"] == pytest.approx(b["unsaved_capacity_cost"])
    assert a["scenario"]["name"] == "menu"


def test_volume_response_and_defection_flags(sample, menu, tmp_path):
    plain, lossy = tmp_path / "plain", tmp_path / "lossy"
    common = [str(sample), "--menu", str(menu), "--core-price-change", "3"]
    assert main(["scenario", *common, "--out", str(plain)]) == 0
    assert main(["scenario", *common, "--out", str(lossy), "--volume-elasticity", "-1.5",
                 "--defection", "50"]) == 0
    a = json.loads((plain / "scenario_summary.json").read_text())
    b = json.loads((lossy / "scenario_summary.json").read_text())
    assert a["volume_effect"] == 0 and b["volume_effect"] != 0
    assert b["scenario"]["core_volume_elasticity"] == -1.5
    kept = pd.read_csv(lossy / "scenario_pnl.csv")["volume_kept_pct"]
    assert kept.max() == pytest.approx(95.5) and kept.min() < 95.5
    # Both outcomes are stated, and the headline is the capacity-kept one by default.
    assert b["profit_after"] == b["profit_after_capacity_kept"]
    assert round((b["profit_after_capacity_cut"] - b["profit_after_capacity_kept"]) * 100) == \
        round(b["stranded_capacity_cost"] * 100)
    result = run(*common, "--out", str(tmp_path / "x"), "--volume-elasticity", "-40")
    assert result.returncode == 2 and "more than all of it" in result.stderr


def test_neutral_menu_reproduces_the_report(sample, tmp_path):
    menu = tmp_path / "nothing.csv"
    menu.write_text("activity,fee_per_unit,usage_response_pct\nOrder change,0,50\n")
    assert main(["scenario", str(sample), "--menu", str(menu), "--out", str(tmp_path / "s")]) == 0
    assert main(["report", str(sample), "--out", str(tmp_path / "r")]) == 0
    scenario = json.loads((tmp_path / "s" / "scenario_summary.json").read_text())
    report = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert scenario["profit_before"] == scenario["profit_after"] == report["profit"]
    assert scenario["customers_paying_more"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("activity,fee_per_unit,usage_response_pct\nOrder change,10,5\nTeleport,5,0\n",
         'bad.csv line 3, activity: "Teleport" is not an activity of the dataset'),
        ("activity,fee_per_unit,usage_response_pct\nOrder change,1O,5\n",
         'bad.csv line 2, fee_per_unit: "1O" is not a number'),
        ("activity;fee_per_unit;usage_response_pct;rate_change_pct\nOrder change;10;150;0\n",
         'bad.csv line 2, usage_response_pct: "150" must be between 0 and 100'),
        ("activity,fee_per_unit,usage_response_pct,rate_change_pct\nOrder change,10,5,x\n",
         'bad.csv line 2, rate_change_pct: "x" is not a number'),
        ("activity,fee_per_unit,usage_response_pct\nOrder change,-3,5\n",
         'bad.csv line 2, fee_per_unit: "-3" must be 0 or more'),
        ("activity,fee_per_unit,usage_response_pct\nOrder change,1,5\nOrder change,2,5\n",
         "bad.csv line 3, activity: \"Order change\" is listed twice (first on line 2)"),
        ("activity,fee\nOrder change,1\n",
         "bad.csv line 1: lacks column(s): fee_per_unit, usage_response_pct"),
    ],
)
def test_bad_menu_files(sample, tmp_path, capsys, text, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scenario", str(sample), "--menu", str(bad), "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_minimum_order_without_order_ids(tmp_path, menu, capsys):
    folder = write_dataset(
        tmp_path / "no-orders",
        transactions="customer_id,date,net_revenue\nC1,2024-01-10,1000.00\nC2,2024-01-15,5.00\n",
    )
    menu.write_text("activity,fee_per_unit,usage_response_pct\nComplaint,50,20\n")
    out = tmp_path / "out"
    args = ["scenario", str(folder), "--menu", str(menu), "--out", str(out)]
    assert main([*args, "--min-order-value", "100", "--order-activity", "Order"]) == 2
    err = capsys.readouterr().err
    assert "--min-order-value" in err and "no order_id" in err
    # Without a minimum order the same data is fine.
    assert main(args) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--consolidation", "20"], "--consolidation needs --min-order-value"),
        (["--min-order-value", "400", "--order-activity", "Nope"],
         '--order-activity: "Nope" is not an activity'),
        (["--min-order-value", "0"], "--min-order-value must be greater than 0"),
        (["--min-order-value", "400", "--consolidation", "120"],
         "--consolidation must be between 0 and 100"),
        (["--core-price-change", "-100"], "--core-price-change must be above -100"),
        (["--at-risk", "ten"], '"ten" is not a number'),
        (["--capacity-follows-usage", "maybe"], "invalid choice"),
    ],
)
def test_bad_options(sample, menu, tmp_path, capsys, extra, message):
    args = ["scenario", str(sample), "--menu", str(menu), "--out", str(tmp_path / "o"), *extra]
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_missing_menu_and_dataset(sample, tmp_path, capsys):
    assert main(["scenario", str(sample), "--menu", str(tmp_path / "none.csv"),
                 "--out", str(tmp_path / "o")]) == 2
    assert "no such menu file" in capsys.readouterr().err
    assert main(["scenario", "--menu", "m.csv", "--out", str(tmp_path / "o")]) == 2
    assert "a dataset folder, --recipe RECIPE or --db" in capsys.readouterr().err


@pytest.mark.parametrize("case", BAD_MENUS)
def test_the_menu_parser_refuses_in_the_cli(sample, tmp_path, capsys, case):
    # The same bad menus the Pricing page refuses (tests/test_pricing_page.py).
    bad = tmp_path / "bad.csv"
    bad.write_text(case.csv(), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scenario", str(sample), "--menu", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert case.refusal("bad.csv", case.bad + 2) in err  # the header is line 1
    assert len(err.splitlines()) == 1
    assert not out.exists()
