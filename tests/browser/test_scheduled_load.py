"""A scheduled load beside the running dashboard (issue 14, item 4), in a browser: the app
is open on the Overview, ``python -m analytics load --db`` loads a different dataset into
the store the app serves, and the next rerun (a page switch) shows the new dataset's
figures, without a restart and without an error. Before the store had versions, the load
failed ("in use by another program")."""

import subprocess
import sys

from tests.browser.conftest import exceptions, shot, visible_text, wait_for_app, wait_for_metric
from tests.conftest import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_cli_load_reaches_the_open_dashboard_on_its_next_rerun(fresh_server, page,
                                                                  tmp_path):
    db = tmp_path / "store.duckdb"  # fresh_server's copy of the sample store
    page.goto(f"{fresh_server.url}/")
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == "2,000")

    assert _cli("sample", str(tmp_path / "smaller"), "--customers", "300").returncode == 0
    loaded = _cli("load", str(tmp_path / "smaller"), "--db", str(db))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr == ""
    assert "customers: 300 rows" in loaded.stdout

    page.get_by_role("link", name="Cost to serve").click()  # the next rerun
    page.wait_for_url("**/cost-to-serve**")
    wait_for_app(page)
    page.get_by_role("link", name="Overview").click()
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == "300")
    assert "Folder smaller" in visible_text(page)
    shot(page, "scheduled-load-overview-after")
    assert not exceptions(page)
    assert not fresh_server.errors()
