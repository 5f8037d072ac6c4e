"""The Exit or transform page in a browser: a quadrant from the URL, exit beside transform,
the way to the Pricing page with that scope."""

from tests.browser.conftest import exceptions, metric_value, shot, visible_text, wait_for_app


def test_exit_or_transform_and_on_to_pricing(server, page):
    page.goto(f"{server.url}/exit?quadrant=aggressive")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Exit or transform"
    page.wait_for_function(  # the transform runs a preset's model: it comes a moment later
        "() => document.body.innerText.includes('if they stay on these terms')",
        timeout=60_000)
    wait_for_app(page)
    text = visible_text(page)
    assert "Exit: they leave" in text and "Transform: they stay on new terms" in text
    assert "if they leave and no capacity is cut." in text
    assert "if they stay on these terms" in text
    assert metric_value(page, "Revenue lost").startswith("$")
    shot(page, "exit-aggressive")
    assert not exceptions(page)
    page.get_by_role("button", name="Open in Pricing with these customers").click()
    page.wait_for_url("**/pricing**", timeout=60_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => document.body.innerText.includes('From Exit or transform')", timeout=30_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Pricing scenarios"
    # The quadrant's customers by id (chosen with the page's thresholds).
    scope = page.get_by_role("radio", name="Hand-picked customers")
    assert scope.is_checked()
    shot(page, "exit-to-pricing")
    assert not exceptions(page)
    assert not server.errors()
