"""The trends in a browser: the Overview's trend over time (quarterly on the sample's
three years, switched to monthly) and the Cost to serve page's utilisation over time,
drawn at 1440 px with their labels."""

from tests.browser.conftest import SHOTS, exceptions, shot, visible_text, wait_for_app


def section(page, heading: str):
    """The bordered block under ``heading``, scrolled into view, once its chart is drawn."""
    block = page.locator("[data-testid='stVerticalBlock']",
                         has=page.get_by_role("heading", name=heading)).last
    block.wait_for(timeout=120_000)
    block.scroll_into_view_if_needed()
    block.locator(".pl-chart .main-svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    return block


def tick_labels(block) -> list[str]:
    return block.locator(".pl-chart .xtick text").all_text_contents()


def test_overview_trend_quarterly_then_monthly(server, page):
    page.goto(f"{server.url}/")
    wait_for_app(page, timeout=120)
    block = section(page, "Trend over time")
    labels = tick_labels(block)
    assert labels[:2] == ["2022 Q1", "2022 Q2"] and labels[-1] == "2024 Q4"
    legend = block.locator(".pl-chart .legendtext").all_text_contents()
    assert legend == ["Net revenue", "Net margin", "Cost to serve", "Operating profit",
                      "Unprofitable customers (%)"]
    assert "Quarterly: the period spans 36 months" in visible_text(page)
    shot(page, "trend-overview-quarterly")
    block.get_by_text("Monthly", exact=True).click()
    page.wait_for_function(
        "[...document.querySelectorAll('.pl-chart .xtick text')]"
        ".some(t => t.textContent === 'Jan 2022')", timeout=60_000)
    wait_for_app(page, timeout=120)
    block = section(page, "Trend over time")
    assert "Monthly, as chosen" in visible_text(page)
    block.screenshot(path=str(SHOTS / "trend-overview-monthly.png"))
    assert not exceptions(page)
    assert not server.errors()


def test_cost_page_utilisation_over_time(server, page):
    page.goto(f"{server.url}/cost-to-serve?start=2023-01-01&end=2024-06-30")
    wait_for_app(page, timeout=120)
    block = section(page, "Utilisation over time")
    legend = block.locator(".pl-chart .legendtext").all_text_contents()
    assert sorted(legend) == ["Customer service", "Field sales", "Logistics",
                              "Technical support"]
    assert "100 % of practical capacity" in block.locator(".pl-chart").first.text_content()
    labels = tick_labels(block)
    assert labels[0] == "Jan 2023" and labels[-1] == "Jun 2024"
    SHOTS.mkdir(exist_ok=True)
    block.screenshot(path=str(SHOTS / "trend-utilisation.png"))
    assert not exceptions(page)
    assert not server.errors()
