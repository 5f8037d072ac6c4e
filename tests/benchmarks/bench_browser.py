"""Benchmark: the dashboard in a real browser on 100,000 customers.

Run from the repository root, after ``python tests/benchmarks/bench_report.py`` has
generated the data (it loads it into ``bench-data/store-100000.duckdb`` if needed)::

    python tests/benchmarks/bench_browser.py [--runs 10]

It starts ``streamlit run app.py`` on that store and drives Debian's Chromium with
Playwright, measuring (medians):

- **page switch**: from clicking a page in the sidebar until the new page has run
  (its title shown, the app idle, charts drawn);
- **control change**: from clicking the quadrant-threshold control on the Customers page
  until the map has been redrawn (the last change to the chart's DOM);
- **pricing slider**: from an arrow key on the Pricing page's core-price slider until
  the scenario's results have been redrawn (the last change anywhere in the page's main
  area: KPIs, profit bridge, whale curves, movements, tables);
- as a reference in the same run, a **bare page switch**: to the Data page, which runs
  no analysis, so the ratio shows what the analytics add to Streamlit's own round trip
  on this machine.

Targets (issues 3 and 4): control change and pricing slider <= 300 ms, page switch
<= 1.5 s (medians). Results go to stdout
and ``tests/benchmarks/out/browser.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "benchmarks" / "out"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
WATCH = """
(selector) => {
  window.__lastChange = 0;
  const target = document.querySelector(selector);
  if (!target) return false;
  if (window.__observer) window.__observer.disconnect();
  window.__observer = new MutationObserver(() => { window.__lastChange = performance.now(); });
  window.__observer.observe(target, {subtree: true, childList: true, attributes: true,
                                     characterData: true});
  return true;
}
"""


def ensure_store(customers: int) -> Path:
    db = ROOT / "bench-data" / f"store-{customers}.duckdb"
    if not db.exists():
        folder = ROOT / "bench-data" / f"sample-{customers}"
        if not folder.exists():
            subprocess.run([sys.executable, "-m", "analytics", "sample", str(folder),
                            "--customers", str(customers)], cwd=ROOT, check=True)
        subprocess.run([sys.executable, "-m", "analytics", "load", str(folder), "--db",
                        str(db)], cwd=ROOT, check=True,
                       env={**os.environ, "PROFITLENS_MEMORY_LIMIT": "4GB"})
    return db


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PROFITLENS_DB": str(db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                if reply.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.25)
    server.kill()
    raise SystemExit("server did not start")


def wait_idle(page, settle_ms: int = 400, timeout_ms: int = 120_000) -> None:
    """Idle: no status widget, and no DOM change in the main area for ``settle_ms``."""
    page.wait_for_function(IDLE, timeout=timeout_ms)
    page.evaluate(WATCH, "[data-testid='stMain']")
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        quiet = page.evaluate("performance.now() - window.__lastChange")
        if quiet >= settle_ms and page.evaluate(IDLE):
            return
        page.wait_for_timeout(50)


def switch(page, name: str, title: str) -> float:
    """Seconds from a sidebar click until the page has run and drawn."""
    start = page.evaluate("performance.now()")
    page.locator("[data-testid='stSidebarNav'] a", has_text=name).first.click()
    page.wait_for_function(
        "(t) => { const h = document.querySelector('h1'); return h && h.innerText === t; }",
        arg=title, timeout=120_000,
    )
    page.wait_for_function(IDLE, timeout=120_000)
    shown = page.evaluate("performance.now()")
    page.evaluate(WATCH, "[data-testid='stMain']")
    while page.evaluate("performance.now() - Math.max(window.__lastChange, 0)") < 400:
        page.wait_for_timeout(50)
    # Done when the title and idle state were reached, or at the last drawing after that.
    end = max(shown, page.evaluate("window.__lastChange"))
    return (end - start) / 1000


def redraw(page, label: str, chart_selector: str) -> float:
    """Milliseconds from clicking ``label`` until the chart's last DOM change."""
    page.wait_for_selector(chart_selector, timeout=60_000)
    assert page.evaluate(WATCH, chart_selector), f"no element {chart_selector}"
    start = page.evaluate("performance.now()")
    page.get_by_text(label, exact=True).first.click()
    page.wait_for_function("(s) => window.__lastChange > s", arg=start, timeout=60_000)
    while page.evaluate("performance.now() - window.__lastChange") < 600:
        page.wait_for_timeout(50)
    page.wait_for_function(IDLE, timeout=60_000)
    return page.evaluate("window.__lastChange") - start


def slider_redraw(page, chart_selector: str) -> float:
    """Milliseconds from an arrow key on the first slider until the last change in
    ``chart_selector`` (the page's main area: every result of the scenario)."""
    assert page.evaluate(WATCH, chart_selector), f"no element {chart_selector}"
    page.locator("[data-testid='stSlider'] input").first.focus()
    start = page.evaluate("performance.now()")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("(s) => window.__lastChange > s", arg=start, timeout=60_000)
    while page.evaluate("performance.now() - window.__lastChange") < 600:
        page.wait_for_timeout(50)
    page.wait_for_function(IDLE, timeout=60_000)
    return page.evaluate("window.__lastChange") - start


def step_redraw(page, selector: str) -> float:
    """Milliseconds from a click on the first number input's step-up button until the
    last change in ``selector``."""
    assert page.evaluate(WATCH, selector), f"no element {selector}"
    start = page.evaluate("performance.now()")
    page.locator("[data-testid='stNumberInputStepUp']").first.click()
    page.wait_for_function("(s) => window.__lastChange > s", arg=start, timeout=60_000)
    while page.evaluate("performance.now() - window.__lastChange") < 600:
        page.wait_for_timeout(50)
    page.wait_for_function(IDLE, timeout=60_000)
    return page.evaluate("window.__lastChange") - start


def relationships(page, runs: int, result: dict) -> None:
    """The Relationships page (issue 11: within the Customers page's budget): its first
    switch (cold: the portfolio of every customer, with one P&L per calendar year), a
    warm switch, the buyer map's scale toggled (map redrawn) and the ladder's rung cost
    stepped up (return on effort redrawn)."""
    start = page.evaluate("performance.now()")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Relationships").first.click()
    page.wait_for_selector("[data-testid='plChart']", timeout=300_000)
    shown = page.evaluate("performance.now()")
    wait_idle(page)
    cold = (max(shown, page.evaluate("window.__lastChange")) - start) / 1000
    switch(page, "Overview", "Customer profitability")
    warm = [switch(page, "Relationships", "Relationships")]
    for _ in range(runs - 1):
        switch(page, "Overview", "Customer profitability")
        warm.append(switch(page, "Relationships", "Relationships"))
    chart = "[data-testid='plChart']"
    toggles = [redraw(page, "Log scales", chart) for _ in range(runs)]
    page.get_by_role("tab", name="Loyalty ladder").click()
    wait_idle(page)
    # The ladder's tab (its table and the return-on-effort sentence), as the Customers
    # measure watches its map: the other tabs do not change with the rung cost.
    panel = "[role='tabpanel']:not([hidden])"
    steps = [step_redraw(page, panel) for _ in range(runs)]
    result["relationships"] = {
        "first_switch_s": round(cold, 2),
        "switch_s": {"median": round(statistics.median(warm), 3), "max": round(max(warm), 3)},
        "buyer_map_scale_ms": {"median": round(statistics.median(toggles)),
                               "max": round(max(toggles)), "n": len(toggles)},
        "rung_cost_ms": {"median": round(statistics.median(steps)),
                         "max": round(max(steps)), "n": len(steps)},
    }
    r = result["relationships"]
    print(f"relationships: first switch (cold) {r['first_switch_s']} s, switch median "
          f"{r['switch_s']['median']} s; buyer map scale toggled -> redrawn median "
          f"{r['buyer_map_scale_ms']['median']} ms (max {r['buyer_map_scale_ms']['max']} ms); "
          f"rung cost stepped -> redrawn median {r['rung_cost_ms']['median']} ms "
          f"(max {r['rung_cost_ms']['max']} ms)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--port", type=int, default=8690)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    db = ensure_store(args.customers)
    server = start_server(db, args.port)
    result: dict = {"customers": args.customers, "runs": args.runs}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{args.port}/")
            page.wait_for_selector("h1", timeout=300_000)
            wait_idle(page)
            result["first_load_s"] = round(time.perf_counter() - start, 2)
            print(f"first load (cold caches, {args.customers:,} customers): "
                  f"{result['first_load_s']} s", flush=True)
            pages = [("Customers", "Customers"), ("Cost to serve", "Cost to serve"),
                     ("Overview", "Customer profitability")]
            for name, title in pages:  # warm every page's cache once
                switch(page, name, title)
            switches, by_page = [], {name: [] for name, _ in pages}
            for _ in range(args.runs):
                for name, title in pages:
                    seconds = switch(page, name, title)
                    switches.append(seconds)
                    by_page[name].append(seconds)
            bare = []
            for _ in range(args.runs):
                bare.append(switch(page, "Data", "Data"))
                switch(page, "Overview", "Customer profitability")
            result["page_switch_s"] = {
                "median": round(statistics.median(switches), 3),
                "max": round(max(switches), 3), "n": len(switches),
                "bare_median": round(statistics.median(bare), 3),
                "ratio_to_bare": round(statistics.median(switches) / statistics.median(bare), 2),
                "by_page": {name: {"median": round(statistics.median(v), 3),
                                   "max": round(max(v), 3)} for name, v in by_page.items()},
            }
            print(f"page switch: median {result['page_switch_s']['median']} s "
                  f"(max {result['page_switch_s']['max']} s, n={len(switches)}); bare switch "
                  f"to the Data page {result['page_switch_s']['bare_median']} s", flush=True)
            for name, figures in result["page_switch_s"]["by_page"].items():
                print(f"  to {name}: median {figures['median']} s, max {figures['max']} s")

            switch(page, "Customers", "Customers")
            chart = "[data-testid='plChart']"
            changes = []
            for number in range(args.runs):
                changes.append(redraw(page, "Means" if number % 2 == 0 else "Medians", chart))
            result["control_change_ms"] = {
                "median": round(statistics.median(changes)), "max": round(max(changes)),
                "n": len(changes),
            }
            print(f"control change (quadrant thresholds -> map redrawn): median "
                  f"{result['control_change_ms']['median']} ms "
                  f"(max {result['control_change_ms']['max']} ms)", flush=True)

            switch(page, "Pricing", "Pricing scenarios")
            moves = [slider_redraw(page, "[data-testid='stMain']")
                     for _ in range(args.runs)]
            result["pricing_slider_ms"] = {
                "median": round(statistics.median(moves)), "max": round(max(moves)),
                "n": len(moves),
            }
            print(f"pricing slider (core price -> results redrawn): median "
                  f"{result['pricing_slider_ms']['median']} ms "
                  f"(max {result['pricing_slider_ms']['max']} ms)", flush=True)
            relationships(page, args.runs, result)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    result["targets"] = {"control_change_ms": 300, "pricing_slider_ms": 300,
                         "page_switch_s": 1.5, "relationships_ms": 300}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "browser.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
