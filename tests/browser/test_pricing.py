"""The Pricing page in a browser: a slider and a preset move the bridge; saved scenarios."""

from tests.browser.conftest import exceptions, shot, slide_to, visible_text, wait_for_app

KANTHAL = "Kanthal: charge for order changes and set a minimum order"
UNBUNDLE = "Unbundle: lower core price, every service on the menu"
SUPPORT = "Move support online: lower the support rates"


def bridge_text(page) -> list[str]:
    """The amounts written on the profit bridge's bars (once Plotly has drawn them)."""
    page.locator(".js-plotly-plot g.waterfalllayer text.bartext").first.wait_for(
        state="attached", timeout=30_000)
    return page.locator(".js-plotly-plot g.waterfalllayer text.bartext").all_text_contents()


def metric_value(page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']", has_text=label).first
    return card.locator("[data-testid='stMetricValue']").inner_text()


def settle(page) -> None:
    page.wait_for_timeout(400)
    wait_for_app(page)


def test_slider_and_preset_move_the_bridge(server, page):
    page.goto(f"{server.url}/pricing")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Pricing scenarios"
    assert not exceptions(page)
    before = bridge_text(page)
    assert len(before) == 8
    profit = metric_value(page, "Profit, capacity kept")
    # The core price slider, moved with the keyboard (a step of 0.5 % each).
    slide_to(page, 2.0)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some("
        "m => m.innerText.includes('Paying more') && m.innerText.includes('2,000'))",
        timeout=30_000,
    )
    settle(page)
    moved = bridge_text(page)
    assert moved != before
    assert metric_value(page, "Profit, capacity kept") != profit
    page.get_by_role("button", name=UNBUNDLE).click()
    page.wait_for_function(
        "() => document.body.innerText.includes('activities on the menu at cost')",
        timeout=30_000,
    )
    settle(page)
    assert bridge_text(page) != moved
    assert "Menu consistency" in visible_text(page)
    shot(page, "pricing-unbundle")
    assert not exceptions(page)
    assert not server.errors()


def save_as(page, name: str) -> None:
    field = page.get_by_label("Scenario name")
    field.fill(name)
    field.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save scenario").click()
    page.get_by_text(f"Saved {name}").wait_for(timeout=30_000)
    settle(page)


def test_save_reload_and_compare(server, page):
    page.goto(f"{server.url}/pricing")
    wait_for_app(page)
    page.get_by_role("button", name=KANTHAL).click()
    settle(page)
    kanthal_profit = metric_value(page, "Profit, capacity kept")
    save_as(page, "Kanthal <b>strict</b>")
    page.get_by_role("button", name=SUPPORT).click()
    settle(page)
    save_as(page, "Support online")
    body = visible_text(page)
    assert "Compare scenarios" in body and "Bridges compared" in body
    table = page.locator("[data-testid='stDataFrame']").filter(has_text="Today").last
    assert table.count() == 1
    shot(page, "pricing-compare")
    # Reload the Kanthal scenario (the pick stays on the first one saved): its figures
    # come back.
    picker = page.get_by_role("combobox", name="Scenario", exact=True)
    assert picker.input_value() == "Kanthal <b>strict</b>"
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text("Loaded the saved scenario Kanthal <b>strict</b>.").wait_for(timeout=30_000)
    settle(page)
    assert metric_value(page, "Profit, capacity kept") == kanthal_profit
    assert not exceptions(page)
    assert not server.errors()
