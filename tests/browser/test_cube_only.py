"""The dashboard on a store that keeps only the customer-month cube (issue 13, "Done
when": browser tests pass on a cube-based store): every page opens without an exception,
the Data page says the store keeps monthly totals only, and a period with a partial
month says it is prorated."""

from __future__ import annotations

import pytest

from data import Store
from data.sample import write_sample
from pages.ui.data_load import MONTHLY_TOTALS_ONLY
from tests.browser.conftest import (
    Server,
    exceptions,
    metric_value,
    shot,
    visible_text,
    wait_for_app,
)
from tests.browser.test_navigation import PAGES
from tests.cube_only import load_cube_only

PRORATED = ("The store keeps monthly totals only: March 2024 is counted as 17 of its 31 "
            "days (54.8 %) and June 2024 is counted as 14 of its 30 days (46.7 %), prorated.")


@pytest.fixture(scope="module")
def cube_server(tmp_path_factory):
    """A server on the sample (2,000 customers, seed 7) loaded keeping the cube only."""
    root = tmp_path_factory.mktemp("cube-server")
    write_sample(root / "sample", customers=2000, seed=7)
    store = Store(root / "store.duckdb")
    try:
        load_cube_only(store, root / "sample")
        assert store.info().lines_kept is False
        assert store.table("transactions").empty
    finally:
        store.close()
    instance = Server(root / "store.duckdb")
    yield instance
    instance.stop()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_on_a_cube_only_store(cube_server, page, path):
    page.goto(f"{cube_server.url}/{path}")
    wait_for_app(page)
    shot(page, f"cube-only-{path or 'overview'}")
    assert page.locator("h1").first.inner_text() == PAGES[path]
    assert not exceptions(page)
    assert "Page not found" not in visible_text(page)
    assert not cube_server.errors()


def test_the_overview_shows_the_whole_span_figures(cube_server, page):
    """The same headline figures as the lines-kept sample store's (whole span)."""
    page.goto(f"{cube_server.url}/")
    wait_for_app(page)
    assert metric_value(page, "Customers") == "2,000"
    assert metric_value(page, "Net revenue") == "$154.2M"
    assert metric_value(page, "Cost to serve") == "$35.5M"
    assert "monthly totals only" not in visible_text(page)


def test_the_data_page_says_monthly_totals_only(cube_server, page):
    page.goto(f"{cube_server.url}/data")
    wait_for_app(page)
    shot(page, "cube-only-data-page")
    body = visible_text(page)
    assert MONTHLY_TOTALS_ONLY in body
    assert metric_value(page, "Invoice lines") == "303,605"
    assert not exceptions(page)


@pytest.mark.parametrize("path", ["", "customers", "cost-to-serve"])
def test_a_partial_month_period_says_it_is_prorated(cube_server, page, path):
    page.goto(f"{cube_server.url}/{path}?start=2024-03-15&end=2024-06-14")
    wait_for_app(page)
    # At the top of the page, before the figures it qualifies.
    page.get_by_text(PRORATED).wait_for(timeout=60_000)
    shot(page, f"cube-only-prorated-{path or 'overview'}")
    body = visible_text(page)
    # Right under the title, before the figures.
    assert page.get_by_text(PRORATED).bounding_box()["y"] < 400
    assert body.count(PRORATED) == 1
    assert not exceptions(page)
    assert not cube_server.errors()
