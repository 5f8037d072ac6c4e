"""User text through md_escape in a real browser: shown exactly as typed, no link, icon,
arrow, formula or formatting formed, and nothing invisible in the text a person copies
(``innerText``, what a selection copies), in every kind of element the pages use and on
the app's own pages (a customer's name, a dataset's folder name)."""

import csv
import re

import pytest

from analytics.cli import main
from tests.browser.conftest import Server, exceptions, shot, wait_for_app
from tests.browser.md_escape_texts import NAMES, TEXT

INVISIBLE = ("\u2060", "\u200b", "\u200c", "\u200d", "\ufeff")
CONTEXTS = {
    "markdown": TEXT, "caption": TEXT, "subheader": TEXT, "error": TEXT,
    "warning": TEXT, "info": TEXT, "success": TEXT, "progress": TEXT,
    "bold": f"Source: {TEXT}\n{TEXT}: {TEXT}",
    "selectbox": f"Date format of {TEXT}", "multiselect": f"{TEXT} is one of",
}
TEXTS = "[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]"
# What may not appear where user text is: links (a heading's own "#" anchor aside),
# images and icons, KaTeX, formatting the user typed ("**bold**" in bold).
FORMED = """(root) => [...root.querySelectorAll(
  'a:not([href^="#"]), img, [role=img], .katex, code, em, del, b, strong')]
  .filter(e => e.tagName !== 'STRONG' || e.textContent === 'bold')
  .map(e => e.outerHTML.slice(0, 120))"""


def copied(locator) -> str:
    text = locator.evaluate("e => e.innerText")
    assert not any(c in text for c in INVISIBLE), repr(text)
    return text


@pytest.fixture(scope="module")
def escape_server(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("md-escape")
    instance = Server(folder / "unused.duckdb", script="tests/browser/md_escape_page.py")
    yield instance
    instance.stop()


def test_every_element_kind_shows_the_text_as_typed(escape_server, page):
    page.goto(escape_server.url)
    page.wait_for_selector(".st-key-ctx_multiselect", timeout=60_000)
    page.wait_for_timeout(1000)
    shot(page, "md-escape-elements")
    for key, expected in CONTEXTS.items():
        box = page.locator(f".st-key-ctx_{key}")
        shown = [copied(m) for m in box.locator(TEXTS).all()]
        assert re.sub(r"\n+", "\n", "\n".join(shown)).strip() == expected, key
        assert not box.evaluate(FORMED), key
    page.get_by_role("button", name="Toast").click()
    toast = page.locator("[data-testid=stToast]")
    toast.wait_for(timeout=30_000)
    # A long toast is cut short on screen ("view more"); what it holds is the text as typed.
    text = copied(toast.locator("[data-testid=stMarkdownContainer]").first)
    assert text.startswith(f"Opened the detail of {TEXT[:60]}")
    assert not toast.evaluate(FORMED)
    assert not exceptions(page)
    assert not escape_server.errors()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    """A 40-customer sample whose first customer is named with every hostile text, loaded
    from a folder named like a web address."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "www.example.com a@b.com"
    assert main(["sample", str(folder), "--customers", "40", "--seed", "3"]) == 0
    with (folder / "customers.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][1] = " ".join(NAMES[:9])
    with (folder / "customers.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    db = root / "store.duckdb"
    assert main(["load", str(folder), "--db", str(db)]) == 0
    return db, rows[1][0], rows[1][1]


def test_a_hostile_customer_name_and_folder_name_show_as_typed(hostile_store, page):
    db, customer, name = hostile_store
    server = Server(db)
    try:
        page.goto(f"{server.url}/customers?customer={customer}")
        wait_for_app(page)
        heading = page.locator("h3", has_text="Caf&#58; Noir").first
        heading.wait_for(timeout=60_000)
        assert copied(heading) == f"{customer} · {name}"
        assert not heading.evaluate(FORMED)
        shot(page, "md-escape-customer")
        label = page.locator("[data-testid=stSidebar] [data-testid=stCaptionContainer]",
                             has_text="Dataset:").first
        assert copied(label) == "Dataset: Folder www.example.com a@b.com"
        assert not label.evaluate(FORMED)
        page.goto(f"{server.url}/data")
        wait_for_app(page)
        source = page.locator("[data-testid=stMarkdownContainer]",
                              has_text="Source:").first
        source.wait_for(timeout=60_000)
        assert "Source: Folder www.example.com a@b.com\n" in copied(source)
        assert not source.evaluate(FORMED)
        shot(page, "md-escape-data-page")
        assert not exceptions(page)
        assert not server.errors()
    finally:
        server.stop()
