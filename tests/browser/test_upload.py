"""Uploading an ERP export on the Data page replaces the dataset everywhere; uploaded
names are shown as text."""

import csv

import openpyxl
import pytest

from analytics.cli import main
from tests.browser.conftest import (
    Server,
    copy_db,
    exceptions,
    shot,
    visible_text,
    wait_for_app,
    wait_for_metric,
)

HTML_NAME = "<b>Acme</b>"


@pytest.fixture(scope="module")
def upload_server(sample_db, tmp_path_factory):
    instance = Server(copy_db(sample_db, tmp_path_factory.mktemp("upload-server")))
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def erp_export(tmp_path_factory):
    """A 40-customer dataset as an ERP exports it: renamed headers, customers in Excel,
    and a customer whose name is HTML."""
    folder = tmp_path_factory.mktemp("erp")
    assert main(["sample", str(folder), "--customers", "40", "--seed", "5"]) == 0
    lines = (folder / "transactions.csv").read_text().splitlines()
    header = lines[0].replace("customer_id", "Cust No").replace("date", "Invoice Date")
    header = header.replace("net_revenue", "Amount")
    (folder / "Sales export.csv").write_text("\n".join([header, *lines[1:]]) + "\n")
    (folder / "transactions.csv").unlink()
    with (folder / "customers.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][1] = HTML_NAME
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(folder / "Customers.xlsx")
    return folder, rows[1][0]


def idle(page):
    page.wait_for_timeout(500)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    page.wait_for_timeout(300)


def test_upload_replaces_the_dataset_and_names_stay_text(upload_server, page, erp_export):
    folder, acme_id = erp_export
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{upload_server.url}/")
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == "2,000")

    page.get_by_role("link", name="Data").first.click()
    page.wait_for_url("**/data**")
    wait_for_app(page)
    inputs = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    for index, name in enumerate(["Sales export.csv", "activities.csv", "rates.csv",
                                  "resources.csv", "Customers.xlsx"]):
        inputs.nth(index).set_input_files(str(folder / name))
        idle(page)
    shot(page, "upload-mapped")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("The files are valid").wait_for(timeout=60_000)
    idle(page)
    page.get_by_role("button", name="Replace the dataset").click()
    page.get_by_text("The dataset was replaced").wait_for(timeout=60_000)
    idle(page)
    shot(page, "upload-loaded")

    page.get_by_role("link", name="Overview").first.click()
    page.get_by_text("Whale curve").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert wait_for_metric(page, "Customers", lambda v: v == "40")
    shot(page, "upload-overview")

    page.goto(f"{upload_server.url}/customers?customer={acme_id}")
    page.get_by_text("From list revenue to operating profit").wait_for(timeout=60_000)
    wait_for_app(page)
    shot(page, "upload-acme-detail")
    heading = page.locator("h3", has_text=acme_id).first
    assert HTML_NAME in heading.inner_text()
    assert page.locator("h3 b, h1 b, h2 b").count() == 0
    assert HTML_NAME in visible_text(page)
    assert not dialogs
    assert not exceptions(page)
    assert not upload_server.errors()
