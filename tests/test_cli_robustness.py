"""``report --rate-uncertainty PCT [--monte-carlo N --seed S]``: the robustness column."""

import json

import pandas as pd
import pytest

from analytics.cli import main


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("robust") / "sample"
    assert main(["sample", str(folder), "--customers", "200", "--seed", "5"]) == 0
    return folder


@pytest.fixture(scope="module")
def plain(sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("plain")
    assert main(["report", str(sample), "--out", str(out)]) == 0
    return out


def test_without_the_flag_nothing_changes(plain):
    pnl = pd.read_csv(plain / "customer_pnl.csv")
    assert "robustness" not in pnl.columns and "p_unprofitable" not in pnl.columns
    assert "robustness" not in json.loads((plain / "summary.json").read_text())


def test_rate_uncertainty_adds_a_last_column_and_counts(sample, plain, tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["report", str(sample), "--out", str(out), "--rate-uncertainty", "10"]) == 0
    printed = capsys.readouterr().out
    pnl = pd.read_csv(out / "customer_pnl.csv")
    before = pd.read_csv(plain / "customer_pnl.csv")
    assert list(pnl.columns) == [*before.columns, "robustness"]
    assert pnl[before.columns].equals(before)  # the existing columns are untouched
    assert set(pnl["robustness"]) <= {"robust_profitable", "robust_unprofitable", "sensitive"}
    # Recomputed by hand from the file: worst = profit - 10 % of cost to serve (every
    # activity cost is >= 0 in the sample), best = profit + 10 %, in whole cents.
    worst = ((pnl["profit"] - 0.1 * pnl["cost_to_serve"]) * 100).round()
    best = ((pnl["profit"] + 0.1 * pnl["cost_to_serve"]) * 100).round()
    expected = ["robust_profitable" if w > 0 else "robust_unprofitable" if b < 0
                else "sensitive" for w, b in zip(worst, best, strict=True)]
    assert pnl["robustness"].tolist() == expected
    summary = json.loads((out / "summary.json").read_text())["robustness"]
    counts = pnl["robustness"].value_counts()
    assert summary == {
        "rate_uncertainty_pct": 10.0,
        "robust_profitable": int(counts.get("robust_profitable", 0)),
        "robust_unprofitable": int(counts.get("robust_unprofitable", 0)),
        "sensitive": int(counts.get("sensitive", 0)),
        "unprofitable": int((pnl["profit"] < 0).sum()),
    }
    assert summary["sensitive"] > 0 and summary["robust_unprofitable"] > 0
    assert f"{summary['sensitive']:,} sensitive" in printed


def test_monte_carlo_probabilities_are_seeded(sample, tmp_path):
    runs = []
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        out = tmp_path / name
        assert main(["report", str(sample), "--out", str(out), "--rate-uncertainty", "20",
                     "--monte-carlo", "300", "--seed", seed]) == 0
        runs.append((pd.read_csv(out / "customer_pnl.csv"),
                     json.loads((out / "summary.json").read_text())["robustness"]))
    (a, summary), (b, _), (c, _) = runs
    assert list(a.columns[-2:]) == ["robustness", "p_unprofitable"]
    assert a["p_unprofitable"].equals(b["p_unprofitable"])
    assert not a["p_unprofitable"].equals(c["p_unprofitable"])
    by_class = a.groupby("robustness")["p_unprofitable"]
    assert by_class.max()["robust_profitable"] == 0.0
    assert by_class.min()["robust_unprofitable"] == 1.0
    sensitive = a.loc[a["robustness"] == "sensitive", "p_unprofitable"]
    assert ((sensitive > 0) & (sensitive < 1)).any()
    assert summary["monte_carlo"]["draws"] == 300 and summary["monte_carlo"]["seed"] == 7
    assert summary["monte_carlo"]["expected_unprofitable"] == pytest.approx(
        a["p_unprofitable"].sum(), abs=0.01)


@pytest.mark.parametrize(("extra", "message"), [
    (["--rate-uncertainty", "-5"], "--rate-uncertainty must be a number from 0 to 100, not -5"),
    (["--rate-uncertainty=-inf"], "--rate-uncertainty must be a number from 0 to 100, not -inf"),
    (["--rate-uncertainty", "nan"], "not nan"),
    (["--rate-uncertainty", "inf"], "not inf"),
    (["--rate-uncertainty", "150"], "not 150"),
    (["--rate-uncertainty", "ten"], "not ten"),
    (["--monte-carlo", "10"], "--monte-carlo needs --rate-uncertainty"),
    (["--rate-uncertainty", "5", "--monte-carlo", "0"], "--monte-carlo must be a whole number"),
    (["--rate-uncertainty", "5", "--seed", "3"], "--seed goes with --monte-carlo"),
    (["--rate-uncertainty", "5", "--monte-carlo", "9", "--seed", "x"], "--seed must be"),
])
def test_bad_options_exit_2_in_one_line(sample, tmp_path, capsys, extra, message):
    out = tmp_path / "never"
    assert main(["report", str(sample), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not out.exists()  # refused before any work
