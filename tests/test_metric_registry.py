"""The metric registry (issue 9, item 5): every figure the command line writes is
declared once, and the declaration decides what is money, how it is labelled and
formatted."""

import json

import pandas as pd
import pytest

from analytics.cli import main
from analytics.export import round_for_export
from analytics.metrics import METRICS, UNITS, Metric, is_money
from analytics.scenario import MONEY_COLUMNS, SCENARIO_PNL_COLUMNS
from analytics.scenario.impact import COMPARISON_FIGURES

MENU = "activity,fee_per_unit,usage_response_pct,rate_change_pct\nOrder change,40,30,\n"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("registry")
    data = root / "data"
    assert main(["sample", str(data), "--customers", "150"]) == 0
    (root / "menu.csv").write_text(MENU)
    assert main(["report", str(data), "--out", str(root / "report"),
                 "--rate-uncertainty", "10", "--monte-carlo", "50", "--seed", "3"]) == 0
    assert main(["scenario", str(data), "--menu", str(root / "menu.csv"),
                 "--out", str(root / "scenario")]) == 0
    assert main(["exit", str(data), "--quadrant", "aggressive",
                 "--out", str(root / "exit")]) == 0
    return root


def test_every_numeric_column_written_is_declared(outputs):
    undeclared = set()
    paths = [p for folder in ("report", "scenario", "exit")
             for p in (outputs / folder).glob("*.csv")]
    assert len(paths) >= 7
    for path in paths:
        frame = pd.read_csv(path)
        for column in frame.select_dtypes("number").columns:
            if column not in METRICS and not column.startswith("cts_"):
                undeclared.add(f"{path.parent.name}/{path.name}: {column}")
    assert not undeclared, sorted(undeclared)


def test_every_summary_figure_of_a_scenario_is_declared(outputs):
    summary = json.loads((outputs / "scenario" / "scenario_summary.json").read_text())
    numbers = {k for k, v in summary.items()
               if isinstance(v, int | float) and not isinstance(v, bool)}
    assert numbers - set(METRICS) == set()
    assert set(COMPARISON_FIGURES) <= set(METRICS)


def test_money_is_what_the_registry_says():
    assert tuple(c for c in SCENARIO_PNL_COLUMNS
                                  if c in METRICS and METRICS[c].unit == "money") == MONEY_COLUMNS
    assert is_money("stranded_capacity_cost") and is_money("cts_Order change")
    # Declared as minutes or a percentage: never rounded to the cent, whatever the name.
    assert not is_money("stranded_time") and not is_money("bill_change_pct")
    frame = pd.DataFrame({"stranded_time": [1.23456], "unused_cost": [1.005],
                          "volume_kept_pct": [94.123456]})
    out = round_for_export(frame)
    assert out.iloc[0].tolist() == [1.2346, 1.01, 94.1235]


def test_a_metric_declares_a_known_unit_and_formats_by_it():
    with pytest.raises(ValueError, match="unit"):
        Metric("x", "X", "euros", "…")
    assert set(m.unit for m in METRICS.values()) <= set(UNITS)
    assert METRICS["profit"].format(-1234.5) == "-$1,234.50"
    assert METRICS["profit"].format_short(7_664_235.0) == "$7.7M"
    assert METRICS["capacity"].format(60000) == "60,000.0 min"
    assert METRICS["p_unprofitable"].format(0.25) == "25.0%"
    assert all(m.label and m.definition.endswith((".", ")")) for m in METRICS.values())
