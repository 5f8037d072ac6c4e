"""The board pack (issue 12): ``python -m analytics pack`` prints a PDF of the sample whose
text holds the Overview's headline figures as the Overview formats them, every page
footed with the dataset and period; the scenarios chosen by name; bad input exits 2."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from analytics.analysis import analyse_base
from analytics.cli import main
from analytics.metrics import format_change_short, format_money_short
from analytics.pack import Pack, footer_html, headline_cards, pack_file_name, pack_html
from analytics.selection import Selection
from tests.conftest import ROOT

START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
BASE = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
SCENARIO = "Kanthal <fees> & co"


@pytest.fixture(scope="module")
def store(sample_db, tmp_path_factory):
    """A copy of the sample store with one saved scenario (Kanthal's fees)."""
    from analytics.scenario import ScenarioBase, kanthal
    from data import Store

    path = tmp_path_factory.mktemp("pack") / "sample.duckdb"
    shutil.copy(sample_db, path)
    db = Store(path)
    try:
        base = db.customer_base()
        model = ScenarioBase.build(analyse_base(base), base.volumes, None, None)
        db.save_scenario(SCENARIO, kanthal(model).to_dict())
    finally:
        db.close()
    return path


def analysis_of(path, selection: Selection):
    from data import Store

    db = Store(path)
    try:
        return analyse_base(db.customer_base(**selection.store_args()), selection)
    finally:
        db.close()


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def chromium():
    """Printing needs Debian's chromium: CI installs it (.ci/run); elsewhere, skip."""
    from analytics.pack.render import CHROMIUM

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def compared_pack(store, chromium, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "board.pdf"
    code = main(["pack", "--db", str(store), "--out", str(out), "--start", "2024-01-01",
                 "--end", "2024-12-31", "--compare", "2023-01-01:2023-12-31",
                 "--scenario", SCENARIO])
    assert code == 0
    return out.read_bytes()


def test_the_pack_holds_the_overview_headline_figures_with_their_changes(store,
                                                                         compared_pack):
    current = analysis_of(store, Selection(START, END))
    before = analysis_of(store, Selection(*BASE))
    first = flat(pages_text(compared_pack)[0])
    totals, old = current.totals(), before.totals()
    # The Overview's formats (pages/ui/widgets.kpi_row): the same functions.
    assert f"Customers {len(current.pnl):,} " in first
    for key, label in (("net_revenue", "Net revenue"), ("net_margin", "Net margin"),
                       ("cost_to_serve", "Cost to serve"), ("profit", "Operating profit")):
        shown = format_money_short(totals[key])
        change = format_change_short(totals[key], old[key])
        assert f"{label} {shown} {change}" in first, (label, shown, change)
    unused = format_money_short(current.unused_capacity_cost)
    assert f"Unused capacity {unused} " in first
    assert format_change_short(len(current.pnl), len(before.pnl), None) in first
    # Not vacuous: the two periods differ, so every change is written with its sign.
    assert totals["profit"] != old["profit"]


def test_every_page_is_landscape_and_footed_with_the_dataset_and_period(compared_pack):
    reader = PdfReader(io.BytesIO(compared_pack))
    texts = pages_text(compared_pack)
    # Headline + whale, quadrants, customers, period bridge, cost to serve, one scenario.
    assert len(texts) == 6
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        box = page.mediabox
        assert float(box.width) > float(box.height)  # landscape
        line = flat(text)
        assert "ProfitLens board pack · Embedded sample dataset · 2024-01-01 to 2024-12-31; " \
               "compared with 2023-01-01 to 2023-12-31" in line, number
        assert f"page {number} of {len(texts)}" in line
    titles = [flat(t) for t in texts]
    assert titles[3].startswith("Period bridge")
    assert titles[4].startswith("Cost to serve and unused capacity")
    assert titles[5].startswith(f"Scenario: {SCENARIO}")


def test_the_period_bridge_page_adds_up(store, compared_pack):
    from analytics.compare import compare_periods
    from analytics.metrics import format_money

    current = analysis_of(store, Selection(START, END))
    before = analysis_of(store, Selection(*BASE))
    bridge = compare_periods(before.pnl, current.pnl).bridge
    text = flat(pages_text(compared_pack)[3])
    assert (f"Operating profit went from {format_money(bridge['profit_base'])} to "
            f"{format_money(bridge['profit_current'])}") in text


def test_without_a_comparison_there_is_no_bridge_and_the_notes_are_shares(store, chromium,
                                                                          tmp_path):
    out = tmp_path / "plain.pdf"
    assert main(["pack", "--db", str(store), "--out", str(out), "--start", "2024-01-01",
                 "--end", "2024-12-31"]) == 0
    texts = [flat(t) for t in pages_text(out.read_bytes())]
    assert len(texts) == 4
    assert not any(t.startswith("Period bridge") for t in texts)
    assert not any("Scenario:" in t for t in texts)
    current = analysis_of(store, Selection(START, END))
    totals = current.totals()
    share = 100 * totals["profit"] / totals["net_revenue"]
    assert f"Operating profit {format_money_short(totals['profit'])} {share:.1f}% of net " \
           "revenue" in texts[0]
    assert "2024-01-01 to 2024-12-31 · page 1 of 4" not in texts[0]  # the filters end it
    assert "Embedded sample dataset · 2024-01-01 to 2024-12-31 page 1 of 4" in texts[0]


@pytest.mark.parametrize(("extra", "message"), [
    (["--scenario", "No such plan"], "--scenario: no saved scenario named 'No such plan'"),
    (["--compare", "2023-01-01"], "is not a period: START:END"),
    (["--compare", "2023-12-31:2023-01-01"], "the period ends before it starts"),
    (["--start", "2024-12-31", "--end", "2024-01-01"], "--start 2024-12-31 is after --end"),
    (["--start", "2024-01-01", "--compare", "2023-07-01:2024-06-30"],
     "--compare 2023-07-01:2024-06-30 overlaps the pack's period (2024-01-01 to 2024-12-31)"),
    (["--compare", "2023-01-01:2023-12-31"], "overlaps the pack's period (2022-01-01 to "),
])
def test_bad_input_exits_2_with_one_line(store, tmp_path, capsys, extra, message):
    out = tmp_path / "pack.pdf"
    assert main(["pack", "--db", str(store), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_an_out_path_that_cannot_be_written_exits_2(store, tmp_path, capsys):
    (tmp_path / "folder.pdf").mkdir()
    for out, message in ((tmp_path / "missing" / "pack.pdf", "does not exist"),
                         (tmp_path / "folder.pdf", "is a folder"),
                         (tmp_path / "pack.txt", "is a PDF; name a .pdf file")):
        assert main(["pack", "--db", str(store), "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err
    assert not (tmp_path / "missing").exists()


def test_the_command_line_names_the_unknown_scenario_without_a_traceback(store, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "pack", "--db", str(store), "--out",
         str(tmp_path / "x.pdf"), "--scenario", "Nope"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --scenario: no saved scenario named 'Nope' (saved: {SCENARIO})"]


# -- the document, without a browser ---------------------------------------------------
def test_the_document_is_self_contained_and_shows_names_literally(store):
    selection = Selection(START, END)
    result = analysis_of(store, selection)
    name = result.pnl["name"].iloc[0]
    pnl = result.pnl.copy()
    pnl.loc[pnl.index[0], "name"] = "<img src=x onerror=alert(1)>"
    hostile = type(result)(pnl, result.rate_table, result.capacity, result.whale,
                           result.thresholds)
    page = pack_html(Pack("<script>alert(1)</script>", selection, hostile), plotly_js="")
    assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<link" not in page and 'src="http' not in page  # nothing fetched
    footer = footer_html(Pack("A & B", selection, hostile))
    assert "A &amp; B · 2024-01-01 to 2024-12-31" in footer
    assert name  # the sample's customers have names to replace


def test_headline_cards_without_and_with_a_base(store):
    current = analysis_of(store, Selection(START, END))
    cards = {c.key: c for c in headline_cards(current)}
    assert cards["customers"].value == f"{len(current.pnl):,}"
    assert cards["profit"].value == format_money_short(current.totals()["profit"])
    assert all(c.good is None for c in cards.values())
    before = analysis_of(store, Selection(*BASE))
    changed = {c.key: c for c in headline_cards(current, before)}
    rise = current.totals()["cost_to_serve"] > before.totals()["cost_to_serve"]
    assert changed["cost_to_serve"].good is (not rise)  # a rise in cost is bad news
    assert changed["profit"].note == format_change_short(current.totals()["profit"],
                                                          before.totals()["profit"])


def test_the_file_name_carries_the_period_and_filters():
    selection = Selection(START, None, segments=("Demanding",))
    assert pack_file_name(selection, dt.date(2022, 1, 1), END) == \
        "board-pack_2024-01-01_2024-12-31_Demanding.pdf"


def test_a_comparison_period_without_customers_makes_every_customer_new(store, tmp_path,
                                                                        capsys):
    from analytics.cli import build_parser
    from analytics.cli_pack import build_pack

    args = build_parser().parse_args([
        "pack", "--db", str(store), "--out", str(tmp_path / "p.pdf"), "--start",
        "2024-01-01", "--end", "2024-12-31", "--compare", "2019-01-01:2019-12-31"])
    pack, _ = build_pack(args)
    assert pack.base is None
    assert pack.comparison.counts() == {"retained": 0, "new": len(pack.analysis.pnl),
                                        "lost": 0}
    assert "the headline figures show no change" in capsys.readouterr().err
    cards = headline_cards(pack.analysis, pack.base)
    assert cards[4].note.endswith("of net revenue")  # shares, not changes


def test_printing_says_when_a_chart_fails_and_fetches_nothing(chromium, tmp_path):
    from PIL import Image

    from analytics.pack import PackError
    from analytics.pack.render import print_pdf

    with pytest.raises(PackError, match="a chart of the board pack failed to draw: boom"):
        print_pdf("<p>x</p><script>window.packError = 'boom';</script>", "<span></span>")
    # The document gets nothing but itself, not even a readable local file (so never
    # anything from the network): the image fails, and a fetch would be an error.
    logo = tmp_path / "logo.png"
    Image.new("RGB", (4, 4), "red").save(logo)
    page = (f"<img id=i src='{logo.as_uri()}'><script>var i = document.getElementById('i');"
            "i.onerror = () => { window.packReady = true; };"
            "i.onload = () => { window.packError = 'fetched'; };</script><p>Board</p>")
    assert PdfReader(io.BytesIO(print_pdf(page, "<span></span>"))).pages[0].extract_text() \
        .strip() == "Board"


def test_a_dataset_without_activities_says_what_would_show_cost_to_serve(store, tmp_path):
    from tests.conftest import THIN, store_with

    sentence = "This dataset has no activities costed by a rate card"
    path = store_with(tmp_path / "thin.duckdb", {"transactions": THIN})
    page = pack_html(Pack("Thin", Selection(), analysis_of(path, Selection())), plotly_js="")
    assert sentence in page
    sample = pack_html(Pack("Sample", Selection(START, END),
                            analysis_of(store, Selection(START, END))), plotly_js="")
    assert sentence not in sample and "Unused capacity by resource" in sample
