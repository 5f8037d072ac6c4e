"""A pricing scenario shared by its URL: set in one browser, reopened in a fresh one
(a new browser context: no cookie, no session) with the same headline figures; a saved
scenario by name; a bad link's note; no pricing parameter left on another page."""

from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import exceptions, shot, slide_to, visible_text, wait_for_app

SUPPORT = "Move support online: lower the support rates"
HEADLINES = ("Profit today", "Profit, capacity kept", "Profit, capacity cut",
             "Paying more", "At risk", "If the at-risk leave")
PRICING_KEYS = {"core", "elastic", "risk", "defect", "min", "sof", "cons", "capacity",
                "orders", "scope", "name", "scenario"}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def pricing_params(url: str) -> dict[str, list[str]]:
    return {k: v for k, v in query(url).items() if k in PRICING_KEYS or "." in k}


def headlines(page) -> dict[str, str]:
    """The six headline cards, label -> value (and its delta line)."""
    cards = page.locator("[data-testid='stMetric']")
    cards.nth(5).wait_for(timeout=60_000)
    out = {}
    for i in range(6):
        text = cards.nth(i).inner_text().split("\n")
        lines = [t for t in text if t.strip()]
        out[lines[0]] = " ".join(lines[1:])
    return out


def settle(page) -> None:
    page.wait_for_timeout(500)
    wait_for_app(page)


def wait_for_url(page, predicate, timeout: float = 30) -> None:
    deadline = timeout * 1000
    while deadline > 0 and not predicate(page.url):
        page.wait_for_timeout(200)
        deadline -= 200
    assert predicate(page.url), page.url


def open_fresh(browser, url: str):
    """``url`` in a new browser context: a fresh session, as a colleague opening it."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    return context, page


def test_a_scenario_reopens_from_its_url_in_a_fresh_browser(server, page, browser):
    page.goto(f"{server.url}/pricing?segment=Demanding")
    wait_for_app(page)
    today = headlines(page)
    page.get_by_role("button", name=SUPPORT).click()
    settle(page)
    slide_to(page, 2.5)  # the core price slider (0.5 % a step)
    wait_for_url(page, lambda url: query(url).get("core") == ["2.5"])
    page.get_by_text("Bridge: freed capacity is cut").click()
    wait_for_url(page, lambda url: "capacity" in query(url))
    settle(page)
    url = page.url
    params = query(url)
    assert params["segment"] == ["Demanding"]  # the sidebar's filter, next to the scenario
    assert params["core"] == ["2.5"] and params["capacity"] == ["cut"]
    assert any(k.startswith("rate.") for k in params), params  # the preset's rate cuts
    shared = headlines(page)
    assert shared != today and shared["Paying more"].startswith("641")
    link = page.locator("[data-testid='stCode']").first.inner_text().strip()
    assert urlsplit(link).path == "/pricing" and query(link) == params
    assert not exceptions(page)

    context, fresh = open_fresh(browser, link)
    try:
        assert headlines(fresh) == shared
        assert "Opened from the link." in visible_text(fresh)
        assert pricing_params(fresh.url) == pricing_params(url)
        assert query(fresh.url)["segment"] == ["Demanding"]
        shot(fresh, "pricing-url-reopened")
        assert not exceptions(fresh)
        # Another page keeps the filters but no pricing parameter.
        fresh.get_by_role("link", name="Overview").click()
        wait_for_url(fresh, lambda u: urlsplit(u).path == "/")
        settle(fresh)
        assert pricing_params(fresh.url) == {}
        assert query(fresh.url).get("segment") == ["Demanding"]
    finally:
        context.close()
    # The first browser: to another page and Back (Streamlit keeps a history entry per
    # URL change, so Back lands on one of this scenario's steps): the page takes the
    # URL's scenario (Streamlit dropped the inputs' values on the other page) rather
    # than writing today's terms over it.
    page.get_by_role("link", name="Customers").click()
    wait_for_url(page, lambda u: urlsplit(u).path == "/customers")
    settle(page)
    for _ in range(4):
        page.go_back()
        page.wait_for_timeout(1500)
        if urlsplit(page.url).path == "/pricing":
            break
    settle(page)
    back = pricing_params(page.url)
    assert back, page.url
    core = float(back.get("core", ["0"])[0])
    thumb = page.locator("[data-testid='stSliderThumbValue']").first.inner_text()
    assert thumb == f"{core:.1f}%"
    assert not server.errors()


def test_a_saved_scenario_by_name_and_a_bad_link(server, page, browser):
    page.goto(f"{server.url}/pricing")
    wait_for_app(page)
    slide_to(page, -2.0)
    wait_for_url(page, lambda url: query(url).get("core") == ["-2"])
    field = page.get_by_label("Scenario name")
    field.fill("Kanthal fix")
    field.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save scenario").click()
    page.get_by_text("Saved Kanthal fix").wait_for(timeout=30_000)
    settle(page)
    # Saved: the link names it.
    wait_for_url(page, lambda url: pricing_params(url) == {"scenario": ["Kanthal fix"]})
    saved = headlines(page)

    context, fresh = open_fresh(browser, f"{server.url}/pricing?scenario=Kanthal%20fix")
    try:
        assert headlines(fresh) == saved
        assert fresh.get_by_label("Scenario name").input_value() == "Kanthal fix"
        assert "Opened the saved scenario Kanthal fix from the link." in visible_text(fresh)
    finally:
        context.close()

    bad = (f"{server.url}/pricing?scenario=Nobody%27s%20plan&core=abc&fee.Forklift=5"
           "&risk=20")
    context, fresh = open_fresh(browser, bad)
    try:
        figures = headlines(fresh)  # the page has run
        fresh.get_by_text("Ignored in the link").wait_for(timeout=30_000)
        body = visible_text(fresh)
        assert ("The link names the saved scenario Nobody's plan, which cannot be opened: "
                "no saved scenario has that name.") in body
        assert ("Ignored in the link: core=abc (not a number); fee.Forklift=5 (Forklift is "
                "not an activity of this dataset). The rest of the link applies.") in body
        assert figures["At risk"].endswith("bill > +20.0%")  # risk=20 applied
        assert pricing_params(fresh.url) == {"risk": ["20"]}
        shot(fresh, "pricing-url-bad-link")
        assert not exceptions(fresh)
    finally:
        context.close()
    assert not server.errors()


def test_a_link_opened_by_a_servers_first_visitor(fresh_server, page):
    """The first visit after a start goes through the legacy-mode guard's rerun: the
    link's parameters survive it."""
    page.goto(f"{fresh_server.url}/pricing?core=-3&scope=quadrant%3Apassive&risk=5")
    wait_for_app(page)
    headlines(page)
    assert "Opened from the link." in visible_text(page)
    assert pricing_params(page.url) == {"core": ["-3"], "scope": ["quadrant:passive"],
                                        "risk": ["5"]}
    assert headlines(page)["At risk"].endswith("bill > +5.0%")
    assert not exceptions(page)
    assert not fresh_server.errors()
