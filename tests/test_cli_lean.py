"""``python -m analytics report`` stays lean: it never imports the dashboard's libraries
(Streamlit, Plotly, openpyxl, Playwright), so a command-line report pays for pandas,
DuckDB and Arrow only (issue 13 item 7)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("streamlit", "plotly", "openpyxl", "playwright", "pyspark")

PROBE = """
import sys

import pytest
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


REPORT_FILES = ("customer_pnl.csv", "whale.csv", "capacity.csv", "segments.csv",
                "regions.csv", "summary.json")


@pytest.mark.parametrize("period", [[], ["--start", "2023-02-15", "--end", "2024-09-10"]])
def test_report_from_a_folder_reads_the_lines_as_the_cube_and_writes_the_same_files(
        tmp_path, monkeypatch, capsys, period):
    # The folder's store lives for one report: its cube is never built, but aggregated
    # while read (the whole span) or views over its lines (a period). A store loaded
    # with the built cube gives the same files byte for byte (a whole span, and partial
    # months at both ends).
    from analytics.cli import main
    from data import cube, line_cube, read_cube

    folder, db = tmp_path / "ds", tmp_path / "store.duckdb"
    assert main(["sample", str(folder), "--customers", "120", "--seed", "4"]) == 0
    assert main(["load", str(folder), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "built"), *period]) == 0
    built_out = capsys.readouterr()

    def refuse(cur):
        raise AssertionError("the report's store built the cube")

    monkeypatch.setattr(cube, "build", refuse)
    # The whole span is aggregated while read (data.read_cube); a period with partial
    # months reads the lines as the cube (data.line_cube).
    used = []
    for module in (line_cube, read_cube):
        monkeypatch.setattr(module, "build", lambda *a, module=module, real=module.build: (
            used.append(module.__name__), real(*a))[1])
    assert main(["report", str(folder), "--out", str(tmp_path / "views"), *period]) == 0
    assert used == ["data.read_cube" if not period else "data.line_cube"]
    views_out = capsys.readouterr()
    assert views_out.out.split("; wrote")[0] == built_out.out.split("; wrote")[0]
    assert views_out.err == built_out.err
    for name in REPORT_FILES:
        built, viewed = tmp_path / "built" / name, tmp_path / "views" / name
        assert built.read_bytes() == viewed.read_bytes(), name
