"""Every number traceable, in a browser: a customer's cost-to-serve trace (a driver's
condition as its source) and the Cost to serve page's reconciliation. Screenshots go to
tests/browser/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import Server, exceptions, shot, visible_text, wait_for_app
from tests.test_customer_trace_page import traced_db  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def traced_server(traced_db):  # noqa: F811
    instance = Server(traced_db)
    yield instance
    instance.stop()


def section(page, heading: str):
    """Scroll to a section's heading and return the section's text."""
    heading = page.get_by_role("heading", name=heading).first
    heading.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    return visible_text(page)


def test_the_trace_names_the_driver_and_its_condition(traced_server, page):
    page.goto(f"{traced_server.url}/customers?customer=A")
    wait_for_app(page)
    page.get_by_text("Where its cost to serve comes from").wait_for(timeout=60_000)
    wait_for_app(page)
    text = section(page, "Where its cost to serve comes from")
    shot(page, "customer-cost-trace")
    assert "The 3 activities add up to $116.00, its cost to serve to the cent." in text
    assert ("Driver quantities from file activities.csv (Order, Visit); from driver 'Returns' "
            "(the Data page's cost drivers): lines where doc_type is RET or CRN, in "
            "transactions.csv (Returns).") in text
    assert not exceptions(page)
    assert not traced_server.errors()


def test_the_reconciliation_table_checks_every_resource(server, page):
    page.goto(f"{server.url}/cost-to-serve")
    wait_for_app(page)
    page.get_by_text("Reconciliation: every total traced to its source").wait_for(
        timeout=60_000)
    wait_for_app(page)
    text = section(page, "Reconciliation: every total traced to its source")
    shot(page, "cost-to-serve-reconciliation")
    assert "Every resource and every revenue and COGS total reconciles to the cent." in text
    assert "303,605 invoice lines in the period; the customer table counts 303,605." in text
    assert not exceptions(page)
    assert not server.errors()
