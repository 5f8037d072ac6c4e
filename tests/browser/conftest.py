"""Browser tests: a real Streamlit server driven by Debian's Chromium through Playwright.

Playwright cannot download its own browser here, so the tests use ``/usr/bin/chromium``
(``.ci/run`` installs it). Screenshots go to ``tests/browser/screenshots/`` (not
committed) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("PROFITLENS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run app.py`` (or ``script``) on a free localhost port, on its own
    database file."""

    def __init__(self, db: Path, script: str = "app.py"):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = db.with_suffix(".log")
        env = {**os.environ, "PROFITLENS_DB": str(db), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port",
             str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def errors(self) -> str:
        text = self.log.read_text()
        return text if "Traceback" in text else ""


def copy_db(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "store.duckdb"
    shutil.copy(source, target)
    return target


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    """One server for a test module, on its own copy of the sample store."""
    instance = Server(copy_db(sample_db, tmp_path_factory.mktemp("server")))
    yield instance
    instance.stop()


@pytest.fixture
def fresh_server(sample_db, tmp_path):
    """A server nobody has visited yet (for the first-visitor tests)."""
    instance = Server(copy_db(sample_db, tmp_path))
    yield instance
    instance.stop()


def wait_for_app(page, timeout: float = 60) -> None:
    """Wait until the page has run: a title is shown and the app is idle."""
    page.wait_for_selector("h1", timeout=timeout * 1000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout * 1000
    )
    page.wait_for_timeout(300)


def slide_to(page, target: float, index: int = 0, timeout: float = 60) -> None:
    """Move the ``index``-th slider to ``target`` with the keyboard, one step at a time,
    reading its thumb after each step: a rerun that takes the focus away (the first run's
    URL sync, a slow machine) costs a retry, never a lost key press."""
    slider = page.locator("[data-testid='stSlider']").nth(index)
    thumb = slider.locator("[data-testid='stSliderThumbValue']")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = float(thumb.inner_text().strip().rstrip("%").replace("\u2212", "-"))
        if abs(shown - target) < 1e-9:
            return
        slider.locator("input").focus()
        page.keyboard.press("ArrowRight" if shown < target else "ArrowLeft")
        page.wait_for_timeout(250)
    raise AssertionError(f"slider {index} did not reach {target}: {thumb.inner_text()}")


def shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all("[data-testid='stException']")]


def visible_text(page, selector: str = "body") -> str:
    """The text a person sees (and copies: ``md_escape`` adds nothing invisible)."""
    return page.inner_text(selector)


def metric_value(page, label: str, timeout: float = 60) -> str:
    """The value of the KPI labelled ``label`` (found by label, not position: metrics
    render one by one)."""
    metric = page.locator("[data-testid='stMetric']", has_text=label).first
    metric.wait_for(timeout=timeout * 1000)
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def wait_for_metric(page, label: str, predicate, timeout: float = 60) -> str:
    """Poll the KPI ``label`` until ``predicate(value)`` holds; return the value."""
    deadline = time.monotonic() + timeout
    value = ""
    while time.monotonic() < deadline:
        try:
            value = metric_value(page, label, timeout=5)
        except Exception:  # the metric is being re-rendered: try again
            value = ""
        if value and predicate(value):
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{label} stayed {value!r}")
