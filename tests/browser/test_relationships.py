"""The Relationships page in a browser: every tab on the sample (screenshots), and on
invoice lines alone each view says which column is missing."""

from tests.browser.conftest import Server, exceptions, shot, visible_text, wait_for_app
from tests.conftest import store_with

TABS = (("Buyer types", "Four kinds of buyers"), ("Loyalty ladder", "highest rung it meets"),
        ("Relationship spectrum", "Overdesigned relationships"),
        ("Share of wallet", "Growth prospect ="), ("Cohorts", "Cohort = the year"))


# Each tab's heading: only the open tab is drawn, after the rerun its click causes.
HEADINGS = ("Four kinds of buyers", "Loyalty ladder", "Relationship spectrum",
            "Share of wallet", "Retention and relationship age")


def test_every_view_on_the_sample(server, page):
    page.goto(f"{server.url}/relationships")
    wait_for_app(page, timeout=120)
    assert page.locator("h1").first.inner_text() == "Relationships"
    for number, (tab, text) in enumerate(TABS):
        page.get_by_role("tab", name=tab).click()  # a rerun draws the open tab
        page.get_by_text(text).first.wait_for(timeout=60_000)
        wait_for_app(page, timeout=120)
        assert text in visible_text(page), tab
        if tab == "Loyalty ladder":  # the input shows the cost the figures use
            cost = page.locator("[data-testid='stNumberInput'] input").first
            assert cost.input_value() == "1000.00"
        shot(page, f"relationships-{number}-{tab.lower().replace(' ', '-')}")
    assert not exceptions(page)
    assert not server.errors()


def test_without_the_optional_columns(page, tmp_path):
    lines = ("customer_id,date,net_revenue\nC1,2023-01-10,1000.00\nC1,2024-02-10,500.00\n"
             "C2,2024-03-01,200.00\nC3,2024-12-30,50.00\n")
    server = Server(store_with(tmp_path / "bare.duckdb", {"transactions": lines}))
    try:
        page.goto(f"{server.url}/relationships")
        wait_for_app(page, timeout=120)
        text = ""
        for number, (tab, _) in enumerate(TABS):  # a tab's text shows once it is chosen
            page.get_by_role("tab", name=tab).click()
            page.locator("h3", has_text=HEADINGS[number]).first.wait_for(timeout=60_000)
            wait_for_app(page, timeout=120)
            text += visible_text(page)
            if number in (1, 3):
                shot(page, f"relationships-bare-{number}")
        for column in ("referrals", "co_development", "product_id", "wallet"):
            assert column in text, column
        assert not exceptions(page)
        assert not server.errors()
    finally:
        server.stop()
