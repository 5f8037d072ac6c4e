"""Every page and every CLI command on a store that keeps only the customer-month cube
(issue 13, "Done when": ``lines_kept`` false, no invoice lines or activity rows), against
a store of the same files that keeps the lines: no exception, the same figures for the
whole span (metrics, tables, charts; the CLI's output files byte for byte), and what the
cube-only store says of itself (the Data page, a prorated partial month)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.cli import main
from data.sample import write_sample
from pages.ui.data_load import MONTHLY_TOTALS_ONLY
from tests.conftest import app_on, charts
from tests.cube_only import store_pair
from tests.page_text import as_read

PAGES = ["pages/overview.py", "pages/customers.py", "pages/cost-to-serve.py",
         "pages/pricing.py", "pages/exit.py", "pages/relationships.py", "pages/data.py"]
TABS = ("Buyer types", "Loyalty ladder", "Relationship spectrum", "Share of wallet", "Cohorts")
PREPARED = r" · prepared \d{4}-\d{2}-\d{2} \d{2}:\d{2}"
PRORATED = ("The store keeps monthly totals only: March 2024 is counted as 17 of its 31 "
            "days (54.8 %) and June 2024 is counted as 14 of its 30 days (46.7 %), prorated.")


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    """The sample (2,000 customers, seed 7) loaded twice from one folder: ``kept`` keeps
    the lines, ``cube`` the customer-month cube only."""
    root = tmp_path_factory.mktemp("cube-only")
    folder = root / "sample"
    write_sample(folder, customers=2000, seed=7)
    kept, cube = store_pair(folder, root / "kept.duckdb", root / "cube.duckdb")
    return {"kept": kept, "cube": cube, "folder": folder}


def open_page(db: Path, monkeypatch, page: str, params: dict | None = None,
              state: dict | None = None) -> AppTest:
    with app_on(db, monkeypatch):
        app = AppTest.from_file("../app.py", default_timeout=180)
        for key, value in (params or {}).items():
            app.query_params[key] = value
        for key, value in (state or {}).items():
            app.session_state[key] = value
        app.switch_page(page)
        app.run()
        assert not app.exception, (page, app.exception)
        return app


def figures(app: AppTest) -> dict:
    """What a page shows as figures: metrics, tables, charts' data, notices."""
    return {
        "metrics": [(m.label, m.value) for m in app.metric],
        "dataframes": [d.value for d in app.dataframe],
        "tables": [t.value for t in app.table],
        "charts": [c["figure"] for c in charts(app)],
        "notices": [as_read(e.value) for e in (*app.warning, *app.info, *app.error)],
    }


def assert_same_figures(kept: dict, cube: dict, page: str) -> None:
    for key in ("metrics", "charts", "notices"):
        assert kept[key] == cube[key], (page, key)
    for key in ("dataframes", "tables"):
        assert len(kept[key]) == len(cube[key]), (page, key)
        for a, b in zip(kept[key], cube[key], strict=True):
            assert a.equals(b), (page, a.compare(b) if a.shape == b.shape else a.shape)


@pytest.mark.parametrize("page", PAGES[:-1])
def test_every_analysis_page_same_figures(stores, monkeypatch, page):
    kept = figures(open_page(stores["kept"], monkeypatch, page))
    cube = figures(open_page(stores["cube"], monkeypatch, page))
    assert kept["metrics"] or kept["dataframes"] or kept["charts"], page
    assert_same_figures(kept, cube, page)


@pytest.mark.parametrize("tab", TABS[1:])
def test_every_relationships_tab_same_figures(stores, monkeypatch, tab):
    page = "pages/relationships.py"
    kept = figures(open_page(stores["kept"], monkeypatch, page, state={"rel_tab": tab}))
    cube = figures(open_page(stores["cube"], monkeypatch, page, state={"rel_tab": tab}))
    assert kept["metrics"] or kept["dataframes"] or kept["tables"] or kept["charts"], tab
    assert_same_figures(kept, cube, tab)


def test_customer_detail_and_trace_same(stores, monkeypatch):
    """A customer's detail (its months, its cost-to-serve trace to each source)."""
    page, params = "pages/customers.py", {"customer": "C00017"}
    kept = open_page(stores["kept"], monkeypatch, page, params)
    cube = open_page(stores["cube"], monkeypatch, page, params)
    traces = [d.value for d in cube.dataframe if "capacity_basis" in d.value.columns]
    assert len(traces) == 1 and not traces[0].empty
    assert_same_figures(figures(kept), figures(cube), page)


def test_comparison_and_segment_same(stores, monkeypatch):
    """Whole-month periods, a comparison period and a segment filter: still the same."""
    params = {"start": "2024-01-01", "end": "2024-06-30", "compare": "previous",
              "segment": "Demanding"}
    for page in ("pages/overview.py", "pages/cost-to-serve.py"):
        kept = figures(open_page(stores["kept"], monkeypatch, page, params))
        cube = figures(open_page(stores["cube"], monkeypatch, page, params))
        assert_same_figures(kept, cube, page)


def test_data_page_says_monthly_totals_only(stores, monkeypatch):
    kept = open_page(stores["kept"], monkeypatch, "pages/data.py")
    cube = open_page(stores["cube"], monkeypatch, "pages/data.py")
    assert [i.value for i in cube.info if i.value == MONTHLY_TOTALS_ONLY] == [
        MONTHLY_TOTALS_ONLY]
    assert not [i for i in kept.info if i.value == MONTHLY_TOTALS_ONLY]
    # The row counts are what the load read, lines included.
    assert [(m.label, m.value) for m in cube.metric] == [
        (m.label, m.value) for m in kept.metric]
    assert ("Invoice lines", "303,605") in [(m.label, m.value) for m in cube.metric]


def test_cost_page_reconciliation_says_what_it_sums(stores, monkeypatch):
    cube = open_page(stores["cube"], monkeypatch, "pages/cost-to-serve.py")
    kept = open_page(stores["kept"], monkeypatch, "pages/cost-to-serve.py")
    said = [as_read(c.value) for c in cube.caption]
    assert any("keeps monthly totals only" in c for c in said)
    assert not any("keeps monthly totals only" in as_read(c.value) for c in kept.caption)
    assert any("sums of the loaded monthly totals" in as_read(m.value)
               for m in cube.markdown)
    assert any("adds up to the loaded monthly totals" in as_read(c.value) for c in cube.caption)
    assert any("adds up to the loaded invoice lines" in as_read(c.value) for c in kept.caption)


def test_rate_card_saved_on_a_cube_only_store(stores, tmp_path, monkeypatch):
    """The Cost to serve page's rate card saved on a cube-only store: saved (its check
    reads the cube), the store still keeps monthly totals only, the figures unchanged."""
    from data import Store

    db = tmp_path / "store.duckdb"
    shutil.copy(stores["cube"], db)
    app = open_page(db, monkeypatch, "pages/cost-to-serve.py")
    before = figures(app)["metrics"]
    with app_on(db, monkeypatch):
        next(b for b in app.button if b.label == "Save rate card").click().run()
        assert not app.exception
        assert [s.value for s in app.success] == [
            "Rate card saved: every page now uses the new costs."]
        assert figures(app)["metrics"] == before
    store = Store(db)
    try:
        assert store.info().lines_kept is False
        assert store.table("transactions").empty
    finally:
        store.close()


@pytest.mark.parametrize("page", PAGES[:-1])
def test_partial_month_period_says_it_is_prorated(stores, monkeypatch, page):
    """15 March - 14 June 2024 on every analysis page of the cube-only store: the
    proration warning, once; none on the lines-kept store."""
    params = {"start": "2024-03-15", "end": "2024-06-14"}
    cube = open_page(stores["cube"], monkeypatch, page, params)
    warned = [as_read(w.value) for w in cube.warning if "monthly totals only" in w.value]
    assert warned == [PRORATED], page
    kept = open_page(stores["kept"], monkeypatch, page, params)
    assert not [w for w in kept.warning if "monthly totals only" in w.value], page


def test_comparison_period_partial_months_said_too(stores, monkeypatch):
    """15 March - 14 June 2024 against the previous 92 days (14 December 2023 - 14 March
    2024): both periods' partial months, once each, under the title."""
    params = {"start": "2024-03-15", "end": "2024-06-14", "compare": "previous"}
    for page in ("pages/overview.py", "pages/exit.py"):
        cube = open_page(stores["cube"], monkeypatch, page, params)
        warned = [as_read(w.value) for w in cube.warning if "counted as" in w.value]
        assert warned == [PRORATED, "In the comparison period, December 2023 is counted as "
                          "18 of its 31 days (58.1 %) and March 2024 is counted as 14 of "
                          "its 31 days (45.2 %), prorated."], page


# --- the command line ---------------------------------------------------------------

MENU = "activity,fee_per_unit,usage_response_pct\nSales visit,50,20\nOrder entry (manual),5,30\n"
COMMANDS = {
    "report": ["--rate-uncertainty", "10", "--monte-carlo", "50"],
    "scenario": ["--menu", "{menu}", "--min-order-value", "250", "--small-order-fee", "10"],
    "exit": ["--bottom-pct", "10"],
    "portfolio": ["--rung-cost", "500"],
    "compare": ["--base", "2023-01-01:2023-12-31", "--current", "2024-01-01:2024-12-31"],
}


def run_cli(command: str, db: Path, out: Path, menu: Path, capsys) -> str:
    args = [a.format(menu=menu) for a in COMMANDS[command]]
    assert main([command, "--db", str(db), "--out", str(out), *args]) == 0
    return capsys.readouterr().out.replace(str(out), "OUT")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_cli_command_same_output(stores, tmp_path, capsys, command):
    menu = tmp_path / "menu.csv"
    menu.write_text(MENU, encoding="utf-8")
    said = {db: run_cli(command, stores[db], tmp_path / db, menu, capsys)
            for db in ("kept", "cube")}
    assert said["kept"] == said["cube"]
    files = sorted(p.relative_to(tmp_path / "kept") for p in (tmp_path / "kept").rglob("*")
                   if p.is_file())
    assert files, command
    assert files == sorted(p.relative_to(tmp_path / "cube")
                           for p in (tmp_path / "cube").rglob("*") if p.is_file())
    for name in files:
        assert (tmp_path / "kept" / name).read_bytes() == (tmp_path / "cube" / name).read_bytes(), \
            name


def test_report_of_a_partial_month_is_prorated(stores, tmp_path, capsys):
    period = ["--start", "2024-03-15", "--end", "2024-06-14"]
    for db in ("kept", "cube"):
        assert main(["report", "--db", str(stores[db]), "--out", str(tmp_path / db),
                     *period]) == 0
    capsys.readouterr()
    kept = json.loads((tmp_path / "kept" / "summary.json").read_text())
    cube = json.loads((tmp_path / "cube" / "summary.json").read_text())
    assert PRORATED in cube["warnings"]
    assert PRORATED not in kept["warnings"]
    assert cube["net_revenue"] != kept["net_revenue"]


def test_pack_same_document_and_prints(stores, tmp_path, capsys, monkeypatch):
    """The board pack's HTML document is the same on both stores; the cube-only store's
    prints to a PDF (headless Chromium)."""
    pdf = tmp_path / "cube.pdf"
    assert main(["pack", "--db", str(stores["cube"]), "--out", str(pdf),
                 "--compare", "2023-01-01:2023-12-31", "--start", "2024-01-01",
                 "--end", "2024-12-31"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    import analytics.pack.render as render

    printed = []
    monkeypatch.setattr(render, "print_pdf",
                        lambda document, footer: printed.append((document, footer)) or b"%PDF")
    for db in ("kept", "cube"):
        assert main(["pack", "--db", str(stores[db]), "--out", str(tmp_path / f"{db}.pdf"),
                     "--compare", "2023-01-01:2023-12-31", "--start", "2024-01-01",
                     "--end", "2024-12-31"]) == 0
    capsys.readouterr()
    assert len(printed) == 2
    # The same document but for when it was prepared (to the minute).
    kept, cube = (re.sub(PREPARED, "", document) for document, _ in printed)
    assert kept == cube and "prepared" not in kept
    assert printed[0][1] == printed[1][1]


def pack_document(db: Path, out: Path, monkeypatch, *args: str) -> str:
    import analytics.pack.render as render

    printed = []
    monkeypatch.setattr(render, "print_pdf",
                        lambda document, footer: printed.append(document) or b"%PDF")
    assert main(["pack", "--db", str(db), "--out", str(out), *args]) == 0
    return html.unescape(printed[0])


def test_pack_and_compare_say_partial_months_are_prorated(stores, tmp_path, capsys,
                                                          monkeypatch):
    """A board pack and a comparison of partial-month periods: the pack's title page
    and the command's warnings say what is prorated, in both periods."""
    period = ["--start", "2024-03-15", "--end", "2024-06-14",
              "--compare", "2023-03-15:2023-06-14"]
    base_note = ("March 2023 is counted as 17 of its 31 days (54.8 %) and June 2023 is "
                 "counted as 14 of its 30 days (46.7 %), prorated.")
    cube = pack_document(stores["cube"], tmp_path / "c.pdf", monkeypatch, *period)
    assert PRORATED in cube and f"In the comparison period, {base_note}" in cube
    assert f"warning: {PRORATED}" in capsys.readouterr().err
    kept = pack_document(stores["kept"], tmp_path / "k.pdf", monkeypatch, *period)
    assert "monthly totals only" not in kept
    capsys.readouterr()
    compare = ["compare", "--base", "2023-03-15:2023-06-14",
               "--current", "2024-03-15:2024-06-14"]
    assert main([*compare, "--db", str(stores["cube"]), "--out", str(tmp_path / "c")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"warning: {PRORATED}", "warning: base period: The store keeps monthly "
                   f"totals only: {base_note}"]
    assert main([*compare, "--db", str(stores["kept"]), "--out", str(tmp_path / "k")]) == 0
    assert "monthly totals only" not in capsys.readouterr().err
