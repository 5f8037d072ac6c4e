"""The soak test, short (``tests/benchmarks/soak.py``; the full run is 10 users for 10
minutes, see the README's "Soak test"): two people switch pages and move controls for
24 s while a scheduled load replaces the dataset (a 300-customer variant); no error is
shown, the server logs no traceback, the load succeeds and both people end on the loaded
dataset."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, _free_port
from tests.conftest import ROOT


def test_two_people_and_a_load(sample_db, tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    out = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, "tests/benchmarks/soak.py", "--users", "2", "--minutes", "0.4",
         "--load-every", "4", "--variant-customers", "300", "--reference-rounds", "0",
         "--port", str(_free_port()), "--work", str(tmp_path), "--base-store",
         str(sample_db), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert out.exists(), run.stdout + run.stderr
    result = json.loads(out.read_text())
    report = run.stdout + run.stderr
    assert result["errors_shown"] == [], report
    assert result["timeouts"] == [], report
    assert result["server_tracebacks"] == 0, report
    assert [load["exit"] for load in result["loads"]] == [0], report
    assert result["control_changes"] >= 1 and result["page_switches"] >= 2, report
    # Both began on the sample the store held and ended on the folder the load brought.
    for seen in result["datasets_seen"].values():
        assert seen[0] == "Embedded sample dataset", report
        assert seen[-1] == "Folder soak-b-300", report
    assert run.returncode == 0, report
