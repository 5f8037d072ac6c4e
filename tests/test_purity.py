"""The analytics package imports neither Streamlit nor DuckDB.

Every module of ``analytics/`` is imported, found on disk so a new one is checked too,
except ``analytics/cli.py``, ``analytics/cli_exit.py`` and ``analytics/cli_portfolio.py``
(and ``__main__``, which runs them): the command line is the one documented place in
``analytics/`` that wires ``data/`` in.
"""

import subprocess
import sys

from tests.conftest import ROOT

WIRING = {"analytics.cli", "analytics.cli_exit", "analytics.cli_portfolio", "analytics.__main__"}


def analytics_modules() -> list[str]:
    """Every module under analytics/ (subpackages too), by dotted name, but the wiring."""
    names = set()
    for path in (ROOT / "analytics").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names - WIRING)


def heavy_imports(modules: list[str]) -> list[str]:
    """Which of streamlit and duckdb a fresh interpreter holds after importing ``modules``."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(','.join(m for m in ('streamlit', 'duckdb') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    return [m for m in result.stdout.strip().split(",") if m]


def test_every_analytics_module_is_checked():
    modules = analytics_modules()
    for name in ("analytics.scenario", "analytics.breakdown", "analytics.customer_detail",
                 "analytics.charts", "analytics.charts.common", "analytics.charts.whale",
                 "analytics.charts.cost", "analytics.charts.quadrants",
                 "analytics.charts.customer", "analytics.charts.scenario",
                 "analytics.export", "analytics.exit", "analytics.findings",
                 "analytics.money", "analytics.ranking", "analytics.robustness",
                 "analytics.charts.robustness", "analytics.relationships",
                 "analytics.relationships.buyers", "analytics.relationships.ladder",
                 "analytics.relationships.spectrum", "analytics.relationships.wallet",
                 "analytics.relationships.cohorts", "analytics.relationships.portfolio",
                 "analytics.relationships.periods", "analytics.relationships.views",
                 "analytics.charts.relationships", "analytics.selection",
                 "analytics.scenario.url", "analytics.pack", "analytics.pack.content",
                 "analytics.pack.document", "analytics.pack.render", "analytics.cli_pack",
                 "analytics.trends", "analytics.charts.trends"):
        assert name in modules
    assert not WIRING & set(modules)


def test_analytics_is_pure():
    assert heavy_imports(analytics_modules()) == []


def test_the_check_sees_a_heavy_import():
    # Not vacuous: the store (data/) does bring DuckDB in.
    assert "duckdb" in heavy_imports(["data"])
