"""Every page by URL, and the first visitor arriving by a deep link."""

import pytest

from tests.browser.conftest import (
    exceptions,
    shot,
    visible_text,
    wait_for_app,
    wait_for_metric,
)

PAGES = {"": "Customer profitability", "customers": "Customers",
         "cost-to-serve": "Cost to serve", "pricing": "Pricing scenarios",
         "exit": "Exit or transform", "relationships": "Relationships", "data": "Data"}
NAVIGATION = ["Overview", "Customers", "Cost to serve", "Pricing", "Exit or transform",
              "Relationships", "Data"]


def sidebar_links(page) -> list[str]:
    links = page.query_selector_all("[data-testid='stSidebarNav'] a")
    return [link.inner_text().strip() for link in links]


@pytest.mark.parametrize("path", ["customers", "cost-to-serve", "pricing", "exit",
                                  "relationships", "data"])
def test_first_visitor_deep_link_gets_the_frame(fresh_server, page, path):
    """The very first request after a server start is a deep link."""
    page.goto(f"{fresh_server.url}/{path}")
    wait_for_app(page)
    shot(page, f"deep-link-{path}")
    assert page.url.split("?")[0].rstrip("/").endswith(f"/{path}")  # exit adds ?quadrant=
    assert page.inner_text("h1") == PAGES[path]
    assert [name.split("\n")[-1] for name in sidebar_links(page)] == NAVIGATION
    assert page.get_by_text("Filters", exact=True).count() == 1
    assert "Page not found" not in page.inner_text("body")
    assert not exceptions(page)
    assert not fresh_server.errors()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_by_url(server, page, path):
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    shot(page, f"page-{path or 'overview'}")
    assert page.locator("h1").first.inner_text() == PAGES[path]
    assert not exceptions(page)
    assert "Page not found" not in page.inner_text("body")
    assert not server.errors()


def test_filters_travel_in_the_url(server, page):
    page.goto(f"{server.url}/?start=2023-01-01&end=2023-12-31&segment=Demanding")
    wait_for_app(page)
    body = visible_text(page)
    assert "2023-01-01 to 2023-12-31; segments: Demanding" in body
    # Moving to another page keeps the selection in the URL.
    page.get_by_role("link", name="Cost to serve").click()
    page.wait_for_url("**/cost-to-serve**")
    wait_for_app(page)
    assert "segment=Demanding" in page.url
    assert "segments: Demanding" in visible_text(page)


def test_sidebar_filter_changes_the_figures(server, page):
    page.goto(f"{server.url}/")
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == "2,000")
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.locator("[role='option']", has_text="Demanding").first.click()
    page.keyboard.press("Escape")
    page.wait_for_url("**segment=Demanding**")
    wait_for_app(page)
    after = wait_for_metric(page, "Customers", lambda v: v != "2,000")
    assert 0 < int(after.replace(",", "")) < 2000
