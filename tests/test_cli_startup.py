"""``python -m analytics report`` imports no third-party package that a bare DuckDB
script reading into pandas does not import too (issue 13 item 7: the report's start-up
is the reference's plus the project's own modules), and none of the project's modules
for other commands (charts, the board pack, scenarios, Spark, the sample generator).

The allowed packages are not a list kept by hand: they are what ``import duckdb,
pandas, pyarrow.csv`` imports in a fresh interpreter (the reference's imports, and
Arrow's CSV writer, which the report's files need), so a new library on the report's
path fails here whatever its name."""

import subprocess
import sys

from tests.conftest import ROOT

OTHER_COMMANDS = ("analytics.charts", "analytics.pack", "analytics.scenario",
                  "data.engines.spark", "data.sample", "data.wide_sample", "data.preview")

PROBE = """
import sys
before = set(sys.modules)
{first}
if sys.argv[1] == "reference":
    import duckdb, pandas, pyarrow.csv
    duckdb.connect().execute("SELECT 1 AS x").df()
else:
    from analytics.cli import main
    assert main(["report", sys.argv[2], "--out", sys.argv[3]]) == 0
loaded = set(sys.modules) - before
third = {m.split(".")[0] for m in loaded} - set(sys.stdlib_module_names)
print(" ".join(sorted(third)))
print(" ".join(sorted(m for m in loaded if m.startswith(("analytics.", "data.")))))
"""


def probe(kind: str, tmp_path, first: str = "") -> tuple[set[str], set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.replace("{first}", first), kind, str(tmp_path / "ds"),
         str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    third, own = done.stdout.splitlines()[-2:]
    return set(third.split()), set(own.split())


def sample(tmp_path) -> None:
    from analytics.cli import main

    assert main(["sample", str(tmp_path / "ds"), "--customers", "40", "--seed", "5"]) == 0


def test_the_report_imports_only_what_the_reference_imports_and_its_own_modules(
        tmp_path, capsys):
    sample(tmp_path)
    allowed, _ = probe("reference", tmp_path)
    assert {"duckdb", "pandas", "pyarrow", "numpy"} <= allowed
    third, own = probe("report", tmp_path)
    assert {"analytics", "data"} <= third  # the probe sees the report's imports
    assert third - {"analytics", "data"} <= allowed, third - allowed
    assert "analytics.export" in own and "data.importer" in own
    assert not [m for m in own if m.startswith(OTHER_COMMANDS)]
    assert (tmp_path / "out" / "customer_pnl.csv").is_file()


def test_the_probe_would_see_a_library_the_reference_does_not_import(tmp_path, capsys):
    # xlsxwriter (the dashboard's Excel downloads) imported on the way: named, so the
    # check above can fail.
    sample(tmp_path)
    allowed, _ = probe("reference", tmp_path)
    third, _ = probe("report", tmp_path, first="import xlsxwriter")
    assert "xlsxwriter" not in allowed and "xlsxwriter" in third
