"""The board pack in a browser: one click in the sidebar on any page builds the PDF of
the selection in view, offered under a name with the period and filters; its first
page holds the Overview's cards as the page shows them."""

import io

from pypdf import PdfReader

from tests.browser.conftest import exceptions, metric_value, shot, wait_for_app


def test_one_click_builds_the_board_pack_of_the_selection(server, page):
    page.goto(f"{server.url}/?start=2024-01-01&end=2024-12-31&segment=Demanding")
    wait_for_app(page)
    shown = {label: metric_value(page, label) for label in ("Customers", "Net revenue",
                                                             "Operating profit")}
    build = page.get_by_role("button", name="Board pack (PDF)")
    build.click()
    download = page.get_by_role("button", name="Download the board pack")
    download.wait_for(timeout=120_000)
    page.mouse.move(700, 500)  # the button's help off the sidebar
    shot(page, "pack-sidebar")
    with page.expect_download(timeout=60_000) as pending:
        download.click()
    pdf = pending.value
    assert pdf.suggested_filename == "board-pack_2024-01-01_2024-12-31_Demanding.pdf"
    pages = [" ".join(p.extract_text().split())
             for p in PdfReader(io.BytesIO(pdf_bytes(pdf))).pages]
    assert len(pages) == 4  # headline and whale, quadrants, customers, cost to serve
    for label, value in shown.items():
        assert f"{label} {value} " in pages[0], (label, value)
    assert all("Embedded sample dataset · 2024-01-01 to 2024-12-31; segments: Demanding" in p
               for p in pages)
    assert not exceptions(page)
    # On every page: the button is the frame's.
    page.goto(f"{server.url}/cost-to-serve?start=2024-01-01&end=2024-12-31&segment=Demanding")
    wait_for_app(page)
    # The sidebar is drawn as the run goes: wait for the button (is_visible() does not).
    button = page.get_by_role("button", name="Board pack (PDF)")
    button.wait_for(state="visible", timeout=60_000)
    assert button.is_visible()
    assert not server.errors()


def pdf_bytes(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()
