"""The rate uncertainty's rings on the quadrant map, in a browser: drawn with a legend
entry, and a ringed bubble still opens its customer's detail when clicked."""

from tests.browser.conftest import exceptions, shot, visible_text, wait_for_app

# The last ringed customer: its id (from the bubble at the ring's place) and where it is.
RINGED = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const data = gd._fullData;
  const ring = data.findIndex(t => (t.name || '').startsWith('Ringed'));
  const bubbles = data.findIndex(t => t.name === 'Customers');
  const rings = gd.calcdata[ring], points = gd.calcdata[bubbles];
  const r = rings[rings.length - 1];
  let i = -1;
  for (let j = points.length - 1; j >= 0; j--) {
    if (points[j].x === r.x && points[j].y === r.y) { i = j; break; }
  }
  const layout = gd._fullLayout, box = gd.getBoundingClientRect();
  return {rings: rings.length, name: data[ring].name, id: data[bubbles].customdata[i][0],
          x: box.left + layout.xaxis._offset + layout.xaxis.l2p(r.x),
          y: box.top + layout.yaxis._offset + layout.yaxis.l2p(r.y)};
}"""


def test_sensitive_customers_are_ringed_and_still_clickable(server, page):
    page.goto(f"{server.url}/customers?uncertainty=20")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(1000)
    ringed = page.evaluate(RINGED)
    assert ringed["rings"] > 0 and ringed["name"].endswith("±20%")
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert any(text.startswith("Ringed: sensitive") for text in legend), legend
    assert "A dark ring marks the" in visible_text(page)
    shot(page, "customers-map-rings-20pct")
    page.mouse.move(ringed["x"], ringed["y"])
    page.wait_for_timeout(300)
    page.mouse.click(ringed["x"], ringed["y"])
    page.get_by_text("From list revenue to operating profit").wait_for(timeout=60_000)
    wait_for_app(page)
    headings = page.locator("h3").all_inner_texts()
    assert any(ringed["id"] in h for h in headings), (ringed, headings)
    assert not exceptions(page)
    assert not server.errors()
