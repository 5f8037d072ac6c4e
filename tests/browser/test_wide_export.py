"""One wide ERP export, nothing prepared outside the tool: upload, map (two-digit years, a
profit column, a discount rate, attributes on every line), count cost drivers from the
lines, load, and read the whale curve and the quadrant map. The recipe downloaded from
the page then gives the command line the same report to the cent."""

import json

import pytest

from analytics.cli import main
from data.wide_sample import write_wide_export
from tests.browser.conftest import (
    Server,
    copy_db,
    exceptions,
    shot,
    visible_text,
    wait_for_app,
    wait_for_metric,
)
from tests.browser.test_upload import idle

CUSTOMERS = 80


@pytest.fixture(scope="module")
def wide_server(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("wide-server")
    instance = Server(copy_db(sample_db, folder))
    yield instance, folder
    instance.stop()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wide-export")
    facts = write_wide_export(folder / "Orders 2019-2021.csv", customers=CUSTOMERS, seed=5)
    return folder, facts


def wait_text(page, *texts: str, timeout: float = 120) -> None:
    """Wait for any of ``texts``; on a time-out, keep a screenshot and the page's text."""
    locator = page.get_by_text(texts[0])
    for text in texts[1:]:
        locator = locator.or_(page.get_by_text(text))
    try:
        locator.first.wait_for(timeout=timeout * 1000)
    except Exception:
        shot(page, "wide-timeout")
        (shot(page, "wide-timeout").with_suffix(".txt")).write_text(visible_text(page))
        raise


def upload_export(page, path) -> None:
    """Upload the export as transactions and wait for its mapped columns."""
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    for _ in range(3):  # a file set while the page still reruns can be dropped: set again
        uploader.set_input_files(str(path))
        try:
            page.get_by_text("01/01/19 → 1 Jan 2019").wait_for(timeout=20_000)
            return
        except Exception:
            idle(page)
    wait_text(page, "01/01/19 → 1 Jan 2019")


def add_driver(page, quick: str, cost: str, relationship: bool = False) -> None:
    page.get_by_role("button", name=quick, exact=True).click()
    idle(page)
    field = page.get_by_role("spinbutton", name="Cost per unit")
    field.fill(cost)
    field.press("Enter")
    idle(page)
    if relationship:
        page.get_by_text("Relationship investment", exact=True).click()
        idle(page)
    page.get_by_role("button", name="Add driver").click()
    idle(page)


def test_a_wide_export_becomes_a_whale_curve_in_the_browser(wide_server, page, export,
                                                            tmp_path):
    server, server_folder = wide_server
    folder, facts = export
    page.goto(f"{server.url}/data")
    wait_for_app(page)
    idle(page)
    upload_export(page, folder / "Orders 2019-2021.csv")
    wait_text(page, "Largest cost to serve", "No cost drivers yet")
    idle(page)
    text = visible_text(page)
    # Every column matched automatically; dates shown as they will be read.
    assert "01/01/19 → 1 Jan 2019" in text
    assert "This file also holds customer attributes" in text
    shot(page, "wide-mapped")

    add_driver(page, "Orders", "12", relationship=True)  # say, account managers' orders
    add_driver(page, "Returns", "20")
    page.get_by_role("button", name="One per value…").click()
    popover = page.locator("[data-testid='stPopoverBody']")
    popover.get_by_role("combobox").click()
    page.get_by_role("option", name="Ship Mode").click()
    idle(page)
    popover.get_by_text("Same Day").wait_for()
    popover.get_by_role("button", name="Add one driver per value").click()
    idle(page)
    page.keyboard.press("Escape")
    # Tables are drawn on a canvas; their cells are in the DOM for screen readers.
    page.get_by_text("orders where Ship Mode is Same Day").first.wait_for(
        state="attached", timeout=30_000)
    idle(page)
    assert page.locator("[role=gridcell]", has_text="lines where Quantity < 0").count()
    assert "Largest cost to serve from these drivers" in visible_text(page)
    shot(page, "wide-drivers")

    page.get_by_role("button", name="Validate").click()
    page.get_by_text("The files are valid").wait_for(timeout=60_000)
    idle(page)
    text = visible_text(page)
    assert "two-digit years, read as DD/MM/YY" in text
    assert "discount read as a fraction" in text
    with page.expect_download() as download:
        page.get_by_role("button", name="Download recipe").click()
    recipe = server_folder / "recipe.toml"
    download.value.save_as(recipe)
    page.get_by_role("button", name="Replace the dataset").click()
    page.get_by_text("The dataset was replaced").wait_for(timeout=60_000)
    assert not exceptions(page)

    page.get_by_role("link", name="Overview").first.click()
    page.wait_for_url(lambda url: "/data" not in url)
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == f"{CUSTOMERS:,}")
    assert wait_for_metric(page, "Cost to serve", lambda v: v not in ("$0", "$0.00"))
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    shot(page, "wide-overview")
    page.get_by_role("link", name="Customers").first.click()
    page.wait_for_url("**/customers**")
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert not exceptions(page)
    shot(page, "wide-customers")
    server.stop()
    assert not server.errors()

    # The downloaded recipe, beside the export, gives the CLI the same report.
    text = recipe.read_text()
    assert 'file = "Orders 2019-2021.csv"' in text
    # The driver marked as relationship investment on the page says so in the recipe.
    assert text.count("relationship = true") == 1
    (folder / "recipe.toml").write_text(text)
    db = next(server_folder.glob("*.duckdb"))
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "app")]) == 0
    assert main(["report", "--recipe", str(folder / "recipe.toml"),
                 "--out", str(tmp_path / "cli")]) == 0
    for name in ("customer_pnl.csv", "whale.csv", "segments.csv", "regions.csv"):
        assert (tmp_path / "app" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert summary["customers"] == CUSTOMERS
    assert round(summary["net_revenue"], 2) == round(facts["sales"], 2)
    assert summary["cost_to_serve"] > 0


LATE_RECIPE = """
[transactions]
file = "Orders 2019-2021.csv"
date_format = "DD/MM/YY"
discount_scale = "fraction"
[transactions.columns]
customer_id = "Customer ID"
date = "Ship Date"
net_revenue = "Sales"
gross_profit = "Profit"
discount = "Discount"
order_id = "Order ID"

[[drivers]]
activity = "Same-day order"
per = "order"
where = { "ship mode" = "Same Day" }
cost_per_unit = 30
"""


def test_a_recipe_applied_after_the_file_shows_its_choices(sample_db, tmp_path, page, export):
    server_folder = tmp_path
    server = Server(copy_db(sample_db, tmp_path))
    try:
        _late_recipe_flow(server, server_folder, page, export)
    finally:
        server.stop()
    assert not server.errors()


def _late_recipe_flow(server, server_folder, page, export):
    folder, _ = export
    recipe = server_folder / "late.toml"
    recipe.write_text(LATE_RECIPE)
    page.goto(f"{server.url}/data")
    wait_for_app(page)
    idle(page)
    upload_export(page, folder / "Orders 2019-2021.csv")
    inputs = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    wait_text(page, "No cost drivers yet")
    inputs.nth(5).set_input_files(str(recipe))  # the recipe uploader, after the tables'
    wait_text(page, "Recipe late.toml applied")
    wait_text(page, "Date format of Ship Date")
    idle(page)
    text = visible_text(page)
    assert "choices from the recipe" in text
    assert "Discounts in Discount are" in text
    page.get_by_text("orders where ship mode is Same Day").first.wait_for(state="attached")
    assert "The load would refuse" not in text
    assert not exceptions(page)
    shot(page, "wide-late-recipe")
