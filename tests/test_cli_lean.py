"""``python -m analytics report`` stays lean: it never imports the dashboard's libraries
(Streamlit, Plotly, openpyxl, Playwright), so a command-line report pays for pandas,
DuckDB and Arrow only (issue 13 item 7)."""

import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("streamlit", "plotly", "openpyxl", "playwright", "pyspark")

PROBE = """
import sys
from analytics.cli import main
code = main(["sample", sys.argv[1], "--customers", "50", "--seed", "3"])
code += main(["report", sys.argv[1], "--out", sys.argv[2]])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy})
print(code, " ".join(heavy))
"""


def test_report_imports_none_of_the_dashboard_libraries(tmp_path):
    probe = PROBE.replace("{heavy}", repr(set(HEAVY)))
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "ds"), str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    code, _, heavy = done.stdout.strip().splitlines()[-1].partition(" ")
    assert code == "0"
    assert heavy == ""
    assert (tmp_path / "out" / "customer_pnl.csv").is_file()


def test_the_probe_would_see_a_heavy_import(tmp_path):
    # The same probe after importing one of them names it: the check above can fail.
    probe = "import openpyxl\n" + PROBE.replace("{heavy}", repr(set(HEAVY)))
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "ds"), str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.stdout.strip().splitlines()[-1].split(" ", 1)[1].startswith("openpyxl")
