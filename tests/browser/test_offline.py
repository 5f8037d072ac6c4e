"""A dashboard on a closed company network: no page asks anything of the internet (fonts,
icons and Plotly.js are served by the app itself)."""

from tests.browser.conftest import wait_for_app

PAGES = ["/", "/customers", "/cost-to-serve", "/pricing", "/data"]


def test_no_page_requests_anything_beyond_the_server(server, page):
    outside = []

    def note(request):
        if not request.url.startswith((server.url, "data:", "blob:")):
            outside.append(request.url)

    page.on("request", note)
    for path in PAGES:
        page.goto(f"{server.url}{path}")
        wait_for_app(page)
        page.wait_for_timeout(1500)
    assert outside == []
