"""The period comparison in a browser: chosen in the sidebar, shown on the Overview and
the Customers page, kept in the URL so a link reopens it in a fresh session."""

from tests.browser.conftest import exceptions, shot, visible_text, wait_for_app


def choose_comparison(page, label: str) -> None:
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']",
                       has_text="Compare with")
    box.click()
    page.get_by_role("option", name=label).click()
    wait_for_app(page, timeout=120)


def test_compare_with_the_previous_period_on_every_page(server, page, browser):
    page.goto(f"{server.url}/?start=2024-01-01&end=2024-12-31")
    wait_for_app(page, timeout=120)
    choose_comparison(page, "Previous period")
    page.get_by_text("What changed since 2023").wait_for(timeout=60_000)
    assert "compare=previous" in page.url
    text = visible_text(page)
    assert "Compared with 2023-01-01 to 2023-12-31." in text
    assert "Operating profit rose by" in text or "Operating profit fell by" in text
    page.get_by_text("What changed since 2023").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "compare-overview")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Customers").first.click()
    page.get_by_text("Quadrant migration since 2023").wait_for(timeout=60_000)
    wait_for_app(page, timeout=120)
    page.get_by_text("Quadrant migration since 2023").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "compare-customers")
    assert not exceptions(page)
    # The link reopens the comparison in a fresh session.
    url = page.url
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        fresh = context.new_page()
        fresh.goto(url)
        wait_for_app(fresh, timeout=120)
        fresh.get_by_text("Quadrant migration since 2023").wait_for(timeout=60_000)
    finally:
        context.close()
    assert not server.errors()
