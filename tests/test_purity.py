"""The analytics package imports neither Streamlit nor DuckDB."""

import subprocess
import sys

from tests.conftest import ROOT


def test_analytics_is_pure():
    code = (
        "import sys, analytics, analytics.charts, analytics.findings, analytics.export;"
        "bad = [m for m in ('streamlit', 'duckdb') if m in sys.modules];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
