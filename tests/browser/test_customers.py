"""The Customers page in a browser: clicking a bubble opens that customer's detail."""

from tests.browser.conftest import exceptions, shot, visible_text, wait_for_app

BUBBLE = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const trace = gd._fullData.findIndex(t => t.customdata && t.customdata.length > 0);
  const points = gd.calcdata[trace];
  const layout = gd._fullLayout;
  const box = gd.getBoundingClientRect();
  const i = points.length - 1;  // drawn last, so on top of any neighbour
  return {id: gd._fullData[trace].customdata[i][0],
          x: box.left + layout.xaxis._offset + layout.xaxis.l2p(points[i].x),
          y: box.top + layout.yaxis._offset + layout.yaxis.l2p(points[i].y)};
}"""


def test_clicking_a_bubble_opens_the_customer_detail(server, page):
    page.goto(f"{server.url}/customers")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(1000)
    bubble = page.evaluate(BUBBLE)
    page.mouse.move(bubble["x"], bubble["y"])
    page.wait_for_timeout(300)
    page.mouse.click(bubble["x"], bubble["y"])
    page.get_by_text("From list revenue to operating profit").wait_for(timeout=60_000)
    wait_for_app(page)
    shot(page, "customer-detail-after-click")
    headings = page.locator("h3").all_inner_texts()
    assert any(bubble["id"] in h for h in headings), (bubble, headings)
    assert f"customer={bubble['id']}" in page.url
    assert "What makes it expensive" in visible_text(page)
    assert not exceptions(page)
    assert not server.errors()


def test_a_threshold_change_redraws_the_map_in_place(server, page):
    """The map is updated with Plotly.react, not mounted anew: same element, new figure."""
    page.goto(f"{server.url}/customers")
    wait_for_app(page)
    chart = page.locator("[data-testid='plChart']").first
    chart.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=plChart]').dataset.drawn) >= 1")
    handle = chart.element_handle()
    before = handle.evaluate("d => ({drawn: Number(d.dataset.drawn), rev: d.dataset.revision,"
                             " text: d.querySelector('.annotation-text-g')?.textContent})")
    page.get_by_text("Means", exact=True).first.click()
    handle.wait_for_element_state("stable")
    page.wait_for_function("(r) => document.querySelector('[data-testid=plChart]')"
                           ".dataset.revision !== r", arg=before["rev"], timeout=30_000)
    after = handle.evaluate("d => ({connected: d.isConnected, drawn: Number(d.dataset.drawn),"
                            " labels: d.textContent})")
    assert after["connected"], "the chart element was replaced instead of updated"
    assert after["drawn"] == before["drawn"] + 1
    assert "cost to serve mean" in after["labels"]
    assert not exceptions(page)
    assert not server.errors()
