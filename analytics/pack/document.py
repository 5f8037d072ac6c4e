"""The board pack as one self-contained HTML document (pure: no browser, no store).

Each section is one landscape page (A4, ``@page``); the charts are the dashboard's
Plotly figures, embedded as JSON and drawn by the plotly.js shipped with the ``plotly``
Python package, inlined in the document (no network): a browser prints them as vectors.
``window.packReady`` turns true once every chart is drawn (``window.packError`` holds
why when one fails). Every user string (dataset, customer, scenario and activity names)
is HTML-escaped; the figures' own labels are escaped by :mod:`analytics.charts`.

Example
-------
>>> import pandas as pd
>>> from analytics.analysis import analyse
>>> from analytics.pack.content import Pack
>>> from analytics.selection import Selection
>>> c = pd.DataFrame({"list_revenue": [10.0, 8.0], "net_revenue": [10.0, 8.0],
...                   "cogs": [4.0, 7.0], "name": ["<b>Acme</b>", "Beta"]},
...                  index=pd.Index(["A", "B"], name="customer_id"))
>>> v = pd.DataFrame({"Orders": [1.0, 2.0]}, index=c.index)
>>> r = pd.DataFrame({"activity": ["Orders"], "cost_per_unit": [1.0]})
>>> page = pack_html(Pack("Demo", Selection(), analyse(c, v, r)), plotly_js="")
>>> "&lt;b&gt;Acme&lt;/b&gt;" in page and "<b>Acme</b>" not in page
True
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analytics.breakdown import activity_costs, customer_ranking
from analytics.charts import (
    capacity_figure,
    quadrant_map_extent,
    quadrant_map_figure,
    scenario_bridge_figure,
    whale_figure,
)
from analytics.findings import findings
from analytics.metrics import METRICS, format_money, format_money_short, format_pct
from analytics.pack.content import Card, Pack, headline_cards
from analytics.quadrant_view import map_notes, split_sentence
from analytics.quadrants import LABELS, quadrant_summary

# A4 landscape, 12 mm margins (14 mm at the foot for the footer): the printable area in
# CSS pixels (96 per inch) is about 1030 x 690.
PAGE_WIDTH_PX = 1030
TOP_CUSTOMERS = 12
# The whale curve on paper: 640 px wide, so 800 points (first, last, peak and each
# bucket's extremes kept, :func:`analytics.whale.downsample`) draw the same line.
WHALE_POINTS = 800
TOP_PAYERS = 7
TOP_ACTIVITIES = 8

CSS = """
@page { size: A4 landscape; margin: 11mm 12mm 15mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #1F2933; font: 12px/1.35 "Source Sans Pro", "Liberation Sans",
       "DejaVu Sans", Helvetica, Arial, sans-serif; }
section { page-break-after: always; break-after: page; width: 1030px; overflow-x: clip; }
/* overflow clipped, never the whole document shrunk to fit a too-wide page */
section:last-of-type { page-break-after: auto; break-after: auto; }
h1 { font-size: 24px; margin: 0 0 2px 0; }
h2 { font-size: 19px; margin: 0 0 4px 0; }
h3 { font-size: 14px; margin: 8px 0 4px 0; }
.sub { color: #52606D; margin: 0 0 10px 0; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 8px; margin: 6px 0 10px; }
.card { border: 1px solid #D9DEE3; border-radius: 6px; padding: 6px 9px; }
.card .label { color: #52606D; font-size: 11.5px; }
.card .value { font-size: 23px; font-weight: 600; margin: 1px 0; }
.card .note { font-size: 11px; color: #52606D; }
.card .note.good { color: #08775A; } .card .note.bad { color: #C2410C; }
.card .exact { font-size: 10px; color: #7B8794; }
.row { display: flex; gap: 14px; align-items: flex-start; }
.row > .wide { flex: 0 0 auto; } .row > .side { flex: 1 1 0; min-width: 0; }
ul.words { margin: 4px 0; padding-left: 18px; } ul.words li { margin: 0 0 5px 0; }
table { border-collapse: collapse; width: 100%; font-size: 11.5px; }
th, td { padding: 3px 6px; border-bottom: 1px solid #E4E7EB; text-align: left;
         vertical-align: top; }
th { background: #F5F7FA; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name { overflow-wrap: anywhere; }
.half { flex: 1 1 0; min-width: 0; }
.note-line { color: #52606D; font-size: 11px; margin: 4px 0; }
.figure { overflow: hidden; }
"""

SCRIPT = """
(function () {
  window.packReady = false;
  var boxes = Array.prototype.slice.call(document.querySelectorAll('[data-figure]'));
  Promise.all(boxes.map(function (box) {
    var fig = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    return Plotly.newPlot(box, fig.data, fig.layout, {staticPlot: true, displayModeBar: false});
  })).then(function () { window.packReady = true; },
           function (error) { window.packError = String(error); });
})();
"""


def esc(text: object) -> str:
    """A user string as HTML text (shown literally, never as markup).

    >>> esc("<b>Smith & Sons</b>"), esc(None)
    ('&lt;b&gt;Smith &amp; Sons&lt;/b&gt;', '')
    """
    return html.escape("" if text is None else str(text))


class _Figures:
    """The charts of one document: each figure's JSON in its own script element."""

    def __init__(self) -> None:
        self.scripts: list[str] = []

    def add(self, fig: go.Figure, width: int, height: int) -> str:
        name = f"figure-{len(self.scripts)}"
        fig.update_layout(width=width, height=height, autosize=False)
        # "<" never appears raw inside the script element, so no label can close it.
        text = fig.to_json().replace("<", "\\u003c")
        self.scripts.append(f'<script type="application/json" id="{name}">{text}</script>')
        return (f'<div class="figure" data-figure="{name}" '
                f'style="width:{width}px;height:{height}px"></div>')


def _cards(cards: list[Card]) -> str:
    items = []
    for card in cards:
        tone = "" if card.good is None else (" good" if card.good else " bad")
        note = f'<div class="note{tone}">{esc(card.note)}</div>' if card.note else ""
        exact = (f'<div class="exact">{esc(card.exact)}</div>'
                 if card.exact and card.exact != card.value else "")
        items.append(f'<div class="card"><div class="label">{esc(card.label)}</div>'
                     f'<div class="value">{esc(card.value)}</div>{note}{exact}</div>')
    return f'<div class="cards">{"".join(items)}</div>'


def _table(frame: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> str:
    """``frame``'s ``columns`` (key -> (header, kind)), each cell already text; ``kind``
    ``num`` right-aligns, ``name`` wraps long names."""
    head = "".join(f'<th class="{kind}">{esc(label)}</th>'
                   for label, kind in columns.values())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = "".join(f'<td class="{kind}">{esc(value)}</td>'
                        for value, (_, kind) in zip(record, columns.values(), strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _money(values, currency: str) -> list[str]:
    return [format_money(v, currency) for v in values]


def _words(sentences: list[str]) -> str:
    return '<ul class="words">' + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>"


def _section(title: str, subtitle: str, body: str) -> str:
    sub = f'<p class="sub">{esc(subtitle)}</p>' if subtitle else ""
    return f"<section><h2>{esc(title)}</h2>{sub}{body}</section>"


# -- the pages ----------------------------------------------------------------------------
def _headline_page(pack: Pack, figs: _Figures) -> str:
    result, currency = pack.analysis, pack.currency
    cards = _cards(headline_cards(result, pack.base, currency))
    compared = ""
    if pack.base is not None:
        s = pack.selection
        compared = (f"Changes are from {s.compare_start or '…'} to {s.compare_end or '…'} "
                    "(the comparison period).")
    names = result.pnl["name"] if "name" in result.pnl.columns else None
    chart = figs.add(whale_figure(result.whale, names, currency, max_points=WHALE_POINTS), 640,
                     470)
    words = findings(result.whale.summary, currency)
    unused = result.unused_capacity_cost
    after = result.totals()["profit"] - unused
    words.append(f"Unused capacity costs {format_money_short(unused, currency)}; operating "
                 f"profit after it is {format_money_short(after, currency)}.")
    body = (f"{cards}"
            + (f'<p class="note-line">{esc(compared)}</p>' if compared else "")
            + f'<div class="row"><div class="wide"><h3>Whale curve</h3>{chart}</div>'
            f'<div class="side"><h3>What it says</h3>{_words(words)}</div></div>')
    title = (f'<h1>Customer profitability: board pack</h1><p class="sub">{esc(pack.dataset)}'
             f" · {esc(pack.selection.describe(*pack.data_span))} · prepared "
             f"{pack.created:%Y-%m-%d %H:%M}</p>"
             + "".join(f'<p class="sub">{esc(note)}</p>' for note in pack.notes))
    return f"<section>{title}{body}</section>"


def _quadrant_page(pack: Pack, figs: _Figures) -> str:
    result, currency = pack.analysis, pack.currency
    pnl = result.pnl
    # Bubbles in SVG (no WebGL) so the print is vector; at most the map's usual 5,000.
    extent = quadrant_map_extent(pnl, result.thresholds)
    fig = quadrant_map_figure(pnl, result.thresholds, currency, extent=extent,
                              webgl_above=10**9)
    chart = figs.add(fig, 640, 560)
    table = quadrant_summary(pnl, pnl["quadrant"])
    table["quadrant"] = table["quadrant"].map(LABELS)
    table["customers"] = table["customers"].map("{:,}".format)
    for column in ("net_revenue", "profit"):
        table[column] = _money(table[column], currency)
    text = _table(table, {"quadrant": ("Quadrant", "name"), "customers": ("Customers", "num"),
                          "net_revenue": ("Net revenue", "num"),
                          "profit": ("Operating profit", "num")})
    notes = [split_sentence(result.thresholds)]
    notes += [note.replace(" (hover for the true values)", "")
              .replace("the tables", "the dashboard's tables") for note in map_notes(extent)]
    body = (f'<div class="row"><div class="wide">{chart}</div><div class="side">'
            f"<h3>Customers by quadrant</h3>{text}{_words(notes)}</div></div>")
    return _section("Quadrant map", "Net margin against cost to serve, both as % of net "
                    "revenue; bubble size is net revenue, colour operating profit.", body)


def _customers_page(pack: Pack) -> str:
    currency = pack.currency
    ranked = customer_ranking(pack.analysis.pnl)
    halves = []
    for title, rows in (("Most profitable customers", ranked.head(TOP_CUSTOMERS)),
                        ("Least profitable customers",
                         ranked.tail(TOP_CUSTOMERS).iloc[::-1])):
        rows = rows.copy()
        rows["profit"] = _money(rows["profit"], currency)
        rows["net_revenue"] = _money(rows["net_revenue"], currency)
        rows["profit_pct"] = rows["profit_pct"].map(format_pct)
        columns = {"customer_id": ("Customer", "")}
        if "name" in rows.columns:
            rows["name"] = rows["name"].fillna("")
            columns["name"] = ("Name", "name")
        columns |= {"profit": ("Operating profit", "num"),
                    "net_revenue": ("Net revenue", "num"),
                    "profit_pct": ("Profit %", "num")}
        if "quadrant" in rows.columns:
            columns["quadrant"] = ("Quadrant", "")
            rows["quadrant"] = pack.analysis.pnl["quadrant"].reindex(
                rows["customer_id"]).map(LABELS).fillna("").to_numpy()
        halves.append(f'<div class="half"><h3>{esc(title)}</h3>{_table(rows, columns)}</div>')
    return _section("Most and least profitable customers",
                    "Ranked by operating profit (ties by customer id), as on the Overview.",
                    f'<div class="row">{"".join(halves)}</div>')


def _bridge_figure(comparison, currency: str) -> go.Figure:
    """The period bridge's waterfall (the Overview's, :mod:`analytics.charts.compare`)."""
    from analytics.charts.compare import period_bridge_figure

    return period_bridge_figure(comparison, currency)


def _bridge_page(pack: Pack, figs: _Figures) -> str:
    comparison, currency, s = pack.comparison, pack.currency, pack.selection
    chart = figs.add(_bridge_figure(comparison, currency), 600, 420)
    bridge = comparison.bridge
    counts = comparison.counts()
    words = [
        f"Operating profit went from {format_money(bridge['profit_base'], currency)} to "
        f"{format_money(bridge['profit_current'], currency)}, a change of "
        f"{format_money(comparison.profit_change, currency)}.",
        f"{counts['retained']:,} customers bought in both periods, {counts['new']:,} are new "
        f"and {counts['lost']:,} were lost.",
    ]
    up, down = comparison.movers(6)
    tables = []
    for title, rows in (("Largest rises in profit", up), ("Largest falls in profit", down)):
        if rows.empty:
            continue
        frame = rows.rename_axis("customer_id").reset_index()
        frame["customer_id"] = frame["customer_id"].astype(str)
        columns = {"customer_id": ("Customer", "")}
        if "name" in frame.columns:
            frame["name"] = frame["name"].fillna("")
            columns["name"] = ("Name", "name")
        for key, label in (("profit_base", "Profit before"), ("profit_current", "Profit now"),
                           ("profit_change", "Change")):
            frame[key] = _money(frame[key], currency)
            columns[key] = (label, "num")
        tables.append(f"<h3>{esc(title)}</h3>{_table(frame, columns)}")
    body = (f'<div class="row"><div class="wide">{chart}{_words(words)}</div>'
            f'<div class="side">{"".join(tables)}</div></div>')
    return _section("Period bridge",
                    f"From the operating profit of {s.compare_start or '…'} to "
                    f"{s.compare_end or '…'} to that of {s.start or pack.data_span[0] or '…'} "
                    f"to {s.end or pack.data_span[1] or '…'}: "
                    "customers lost and won, then the retained customers' revenue, margin "
                    "and cost-to-serve effects.", body)


def _cost_page(pack: Pack, figs: _Figures) -> str:
    result, currency = pack.analysis, pack.currency
    totals = result.totals()
    costs = activity_costs(result.pnl, result.rate_table)
    share = (100 * totals["cost_to_serve"] / totals["net_revenue"]
             if totals["net_revenue"] > 0 else None)
    cards = [
        Card("cost_to_serve", "Cost to serve", format_money_short(totals["cost_to_serve"],
                                                                   currency),
             None, format_money(totals["cost_to_serve"], currency)),
        Card("share", "Share of net revenue", format_pct(share), None, ""),
        Card("unused_capacity_cost", METRICS["unused_capacity_cost"].label,
             format_money_short(result.unused_capacity_cost, currency), None,
             format_money(result.unused_capacity_cost, currency)),
    ]
    if len(costs) and costs["cost"].iloc[0] > 0:
        top = costs.iloc[0]
        cards.append(Card("top", "Most costly activity", str(top["activity"]),
                          f"{format_pct(top['share_pct'])} of cost to serve", ""))
    parts = [_cards(cards).replace("repeat(6", "repeat(4")]
    left = right = ""
    if not result.capacity.empty:
        capacity = result.capacity
        height = max(220, 60 * len(capacity) + 90)
        fig = capacity_figure(capacity, currency)
        fig.update_layout(margin={"r": 120})  # room for the unused cost beside each bar
        left = "<h3>Capacity by resource</h3>" + figs.add(fig, 560, min(height, 440))
        frame = capacity.copy()
        frame["used_pct"] = frame["used_pct"].map(format_pct)
        for key in ("cost", "unused_cost"):
            frame[key] = _money(frame[key], currency)
        right = "<h3>Unused capacity by resource</h3>" + _table(
            frame, {"resource": ("Resource", "name"), "cost": ("Cost", "num"),
                    "used_pct": ("Used", "num"),
                    "unused_cost": ("Unused capacity cost", "num")})
    if len(costs):
        top = costs.head(TOP_ACTIVITIES).copy()
        top["resource"] = top["resource"].fillna("(direct cost)")
        top["cost"] = _money(top["cost"], currency)
        top["share_pct"] = top["share_pct"].map(format_pct)
        top["customers"] = top["customers"].map("{:,}".format)
        right += "<h3>Most costly activities</h3>" + _table(
            top, {"activity": ("Activity", "name"), "resource": ("Resource", "name"),
                  "cost": ("Cost to serve", "num"), "share_pct": ("Share", "num"),
                  "customers": ("Customers using it", "num")})
    if result.capacity.empty and costs.empty:
        parts.append(_words(["This dataset has no activities costed by a rate card, so it "
                             "shows no cost to serve: load activities and a rate card on "
                             "the Data page (or with python -m analytics load)."]))
    parts.append(f'<div class="row"><div class="wide">{left}</div>'
                 f'<div class="side">{right}</div></div>')
    return _section("Cost to serve and unused capacity",
                    "Activity costs traced to customers by time-driven ABC; the cost of "
                    "capacity no activity used is reported here, never charged to customers.",
                    "".join(parts))


def _scenario_page(pack: Pack, result, figs: _Figures) -> str:
    from analytics.scenario import cost_split_sentence, impact_table, payer_rows, stake_sentence

    currency, f = pack.currency, result.figures
    before = f["profit_before"]

    def change(key: str) -> str:
        amount = f[f"profit_change_capacity_{key}"]
        share = f" ({format_pct(100 * amount / abs(before))} of today)" if before else ""
        sign = "+" if amount > 0 else ""
        return f"{sign}{format_money_short(amount, currency)}{share}"

    customers = f["customers"]
    cards = [
        Card("profit_before", METRICS["profit_before"].label,
             format_money_short(before, currency), None, format_money(before, currency)),
        Card("kept", METRICS["profit_after_capacity_kept"].label,
             format_money_short(f["profit_after_capacity_kept"], currency), change("kept"),
             format_money(f["profit_after_capacity_kept"], currency),
             None if not f["profit_change_capacity_kept"]
             else f["profit_change_capacity_kept"] > 0),
        Card("cut", METRICS["profit_after_capacity_cut"].label,
             format_money_short(f["profit_after_capacity_cut"], currency), change("cut"),
             format_money(f["profit_after_capacity_cut"], currency),
             None if not f["profit_change_capacity_cut"]
             else f["profit_change_capacity_cut"] > 0),
        Card("paying", METRICS["customers_paying_more"].label,
             f"{f['customers_paying_more']:,}",
             f"{format_pct(100 * f['customers_paying_more'] / customers)} of customers"
             if customers else None, ""),
        Card("risk", METRICS["customers_at_risk"].label, f"{f['customers_at_risk']:,}",
             f"bill > +{format_pct(result.scenario.at_risk_pct)}", ""),
        Card("leave", METRICS["at_risk_leave_profit_change"].label,
             format_money_short(f["at_risk_leave_profit_change"], currency),
             "capacity cut: "
             + format_money_short(f["at_risk_leave_profit_change_capacity_cut"], currency),
             format_money(f["at_risk_leave_profit_change"], currency)),
    ]
    chart = figs.add(scenario_bridge_figure(result.bridge, currency), 560, 265)
    words = [cost_split_sentence(f, currency), stake_sentence(f, currency)]
    rows = payer_rows(result)
    if len(rows):
        table = impact_table(result, pack.analysis.pnl, rows[:TOP_PAYERS])
        columns = {"customer_id": ("Customer", "")}
        if "name" in table.columns:
            table["name"] = table["name"].fillna("")
            columns["name"] = ("Name", "name")
        table["bill_change_pct"] = table["bill_change_pct"].map(format_pct)
        for key in ("bill_change", "profit_before", "profit_after"):
            table[key] = _money(table[key], currency)
        table["at_risk"] = table["at_risk"].map({True: "yes", False: ""})
        if "segment" in table.columns:
            table["segment"] = table["segment"].fillna("")
            columns["segment"] = ("Segment", "")
        columns |= {"bill_change": ("Bill change", "num"),
                    "bill_change_pct": ("Bill change %", "num"),
                    "profit_before": ("Profit today", "num"),
                    "profit_after": ("Profit after", "num"), "at_risk": ("At risk", ""),
                    "quadrant_before": ("Quadrant today", "")}
        payers = (f"<h3>Who pays more: the {min(len(rows), TOP_PAYERS)} largest increases of "
                  f"{f['customers_paying_more']:,}</h3>{_table(table, columns)}")
    else:
        payers = "<h3>Who pays more</h3><p>Nobody pays more in this scenario.</p>"
    body = (_cards(cards) + f'<div class="row"><div class="wide"><h3>Profit bridge</h3>'
            f'{chart}</div><div class="side"><h3>In words</h3>{_words(words)}</div></div>'
            + payers)
    return _section(f"Scenario: {result.scenario.name}",
                    f"Scope: {result.scenario.scope.label}. A saved pricing scenario run "
                    "on this selection's customers.", body)


def pack_html(pack: Pack, plotly_js: str | None = None) -> str:
    """The whole board pack as one HTML document.

    ``plotly_js`` is the plotly.js library's text, inlined (default: the copy shipped
    with the ``plotly`` package, so no page fetches anything).
    """
    if plotly_js is None:
        from plotly.offline import get_plotlyjs

        plotly_js = get_plotlyjs()
    library = plotly_js.replace("</script", "<\\/script")
    figs = _Figures()
    sections = [_headline_page(pack, figs), _quadrant_page(pack, figs),
                _customers_page(pack)]
    if pack.comparison is not None:
        sections.append(_bridge_page(pack, figs))
    sections.append(_cost_page(pack, figs))
    sections += [_scenario_page(pack, result, figs) for result in pack.scenarios]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Board pack · {esc(pack.footer)}</title><style>{CSS}</style>"
            f"<script>{library}</script></head><body>"
            + "".join(sections) + "".join(figs.scripts)
            + f"<script>{SCRIPT}</script></body></html>")


def footer_html(pack: Pack) -> str:
    """Chromium's footer template for every page: dataset, period and filters, page
    numbers (Chromium fills the ``pageNumber`` and ``totalPages`` spans).

    >>> from analytics.selection import Selection
    >>> pack = Pack("Q&A data", Selection(segments=["Retail"]), analysis=None)
    >>> "ProfitLens board pack · Q&amp;A data · segments: Retail" in footer_html(pack)
    True
    """
    return ('<div style="width:100%;font-size:8.5px;color:#52606D;padding:0 12mm;'
            'font-family:\'Liberation Sans\',\'DejaVu Sans\',Arial,sans-serif;display:flex;'
            'justify-content:space-between"><span>ProfitLens board pack · '
            f'{esc(pack.footer)}</span><span>page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></span></div>')

