"""python -m analytics compare: the files on a hand-built two-year dataset (known answers
in tests/analytics/test_compare.py), the sample's bridge adds up, bad input exit 2."""

import json

import pandas as pd
import pytest

from analytics.cli import main
from analytics.money import to_cents
from tests.analytics.test_compare import ACTIVITIES, RATES, TRANSACTIONS


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name, text in (("transactions", TRANSACTIONS), ("activities", ACTIVITIES),
                       ("rates", RATES)):
        (data / f"{name}.csv").write_text(text, encoding="utf-8")
    return data


def test_writes_compare_csv_and_summary(folder, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compare", str(folder), "--base", "2023-01-01:2023-12-31",
                 "--current", "2024-01-01:2024-12-31", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "compare.csv", keep_default_na=False)
    assert table["status"].tolist() == ["retained", "lost", "new", "retained", "lost", "new"]
    assert table["profit_change"].tolist() == [250.0, -50.0, -100.0, -240.0, -100.0, 70.0]
    summary = json.loads((out / "compare_summary.json").read_text())
    assert summary["profit_base"] == 560.0 and summary["profit_current"] == 390.0
    assert summary["bridge"] == {"lost_customers": -100.0, "new_customers": -70.0,
                                 "revenue_effect": 100.0, "margin_effect": 50.0,
                                 "cost_to_serve_effect": -150.0}
    assert summary["customers"] == {"retained": 2, "new": 2, "lost": 2}
    assert summary["base"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert "profit 560.00 -> 390.00 (-170.00)" in capsys.readouterr().out


def test_the_sample_bridge_adds_up(sample_db, tmp_path):
    out = tmp_path / "out"
    assert main(["compare", "--db", str(sample_db), "--base", "2023-01-01:2023-12-31",
                 "--current", "2024-01-01:2024-12-31", "--out", str(out)]) == 0
    summary = json.loads((out / "compare_summary.json").read_text())
    steps = sum(to_cents(v) for v in summary["bridge"].values())
    assert to_cents(summary["profit_base"]) + steps == to_cents(summary["profit_current"])
    table = pd.read_csv(out / "compare.csv")
    assert to_cents(table["profit_current"].to_numpy()).sum() == to_cents(
        summary["profit_current"])
    counts = summary["customers"]
    assert counts["retained"] + counts["new"] + counts["lost"] == len(table)
    assert counts["lost"] > 20 and counts["new"] > 20  # the sample loses and wins some


@pytest.mark.parametrize("args, message", [
    (["--base", "2023-01-01", "--current", "2024-01-01:2024-12-31"], "is not a period"),
    (["--base", "2023-12-31:2023-01-01", "--current", "2024-01-01:2024-12-31"],
     "ends before it starts"),
    (["--base", "2030-01-01:2030-12-31", "--current", "2031-01-01:2031-12-31"],
     "no customer has invoice lines or activity in either period"),
    (["--base", "2023-01-01:2024-01-31", "--current", "2024-01-01:2024-12-31"],
     "--base and --current overlap"),
])
def test_bad_input_exits_2(folder, tmp_path, capsys, args, message):
    code = main(["compare", str(folder), *args, "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
