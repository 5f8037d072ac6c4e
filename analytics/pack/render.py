"""Print a board pack to PDF with headless Chromium (Playwright drives it).

The one part of :mod:`analytics.pack` that needs a browser: Playwright is imported only
when a pack is printed, so the package stays importable (and pure: no Streamlit, no
DuckDB) without it. The browser is Debian's ``chromium`` (``PROFITLENS_CHROMIUM``
overrides the path), the one the browser tests use; the document is opened from a
temporary file and every request that is not that file is refused, so printing never
touches the network.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from analytics.pack.content import Pack
from analytics.pack.document import footer_html, pack_html

CHROMIUM = os.environ.get("PROFITLENS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
TIMEOUT_MS = 120_000


class PackError(RuntimeError):
    """The pack could not be printed (no browser, a chart that failed to draw)."""


def print_pdf(document: str, footer: str) -> bytes:
    """The PDF of an HTML ``document`` (A4 landscape, backgrounds printed, ``footer``
    as Chromium's footer template on every page).

    Printed in a thread of its own: Playwright's sync API refuses to run in a thread
    where an asyncio loop is running (a caller's own Playwright session, a notebook)."""
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["pdf"] = _print_pdf(document, footer)
        except BaseException as exc:  # handed back to the caller, in its thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="profitlens-pack-print")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["pdf"]


def _print_pdf(document: str, footer: str) -> bytes:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - a requirement
        raise PackError(f"printing a board pack needs Playwright ({exc})") from None
    if not Path(CHROMIUM).exists():
        raise PackError(f"printing a board pack needs Chromium at {CHROMIUM} "
                        "(apt-get install chromium, or set PROFITLENS_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="profitlens-pack-") as folder:
        page_file = Path(folder) / "pack.html"
        page_file.write_text(document, encoding="utf-8")
        url = page_file.as_uri()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page()
                    page.route("**/*", lambda route: route.continue_()
                               if route.request.url == url else route.abort())
                    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
                    page.wait_for_function("window.packReady === true || !!window.packError",
                                           timeout=TIMEOUT_MS)
                    error = page.evaluate("window.packError || null")
                    if error:
                        raise PackError(f"a chart of the board pack failed to draw: {error}")
                    return page.pdf(
                        format="A4", landscape=True, print_background=True,
                        prefer_css_page_size=True, display_header_footer=True,
                        header_template="<span></span>", footer_template=footer,
                        margin={"top": "11mm", "bottom": "15mm", "left": "12mm",
                                "right": "12mm"})
                finally:
                    browser.close()
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise PackError(f"Chromium could not print the board pack: {first}") from None


def render_pack(pack: Pack) -> bytes:
    """The board pack's PDF: :func:`~analytics.pack.document.pack_html` printed by
    Chromium."""
    return print_pdf(pack_html(pack), footer_html(pack))
