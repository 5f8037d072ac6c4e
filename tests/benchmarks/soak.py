"""Soak test: several people on the dashboard at once while scheduled loads replace the
dataset under them (issue 14, item 7).

Run from the repository root::

    python tests/benchmarks/soak.py --users 10 --minutes 10 --load-every 120

Options: ``--commit REV`` soaks a committed revision (exported with ``git archive`` into
``bench-data/soak/code-<sha>/``) instead of the working tree, so that edits in progress
cannot spoil a long run; ``--port``, ``--seed`` (the users' random choices),
``--reference-rounds`` (0 skips the single-user reference), ``--work DIR`` (default
``bench-data/soak/``, git-ignored), ``--base-store FILE`` (start from this store instead of
building one), ``--json FILE`` (default ``tests/benchmarks/out/soak.json``).

What it does:

1. **Data** (built once, cached in the work folder): a store holding the embedded sample
   (``Store(path).ensure_dataset()``, cached per fingerprint of ``data/``'s code, since the
   store's layout follows it) and two dataset folders written by ``python -m analytics
   sample``: ``soak-a`` (2,000 customers, seed 7: the embedded sample's figures) and
   ``soak-b-2500`` (2,500 customers, seed 11; ``--variant-customers N``). Each run
   starts from a fresh copy of the store in ``run-<port>/``.
2. **The app**: ``PROFITLENS_DB=run-<port>/store.duckdb streamlit run app.py`` (headless,
   on 127.0.0.1), its output in ``run-<port>/server.log``.
3. **Reference**: one person alone changes each control a few times after one warm-up
   round (the same controls and measure as below): the single-user control change.
4. **Soak**: N people, each a page in its own browser context (1280x800) of one Debian
   Chromium, loop at random over page switches (the sidebar's links) and control changes
   (Customers: the map's split, Medians/Means, and the rate uncertainty; Pricing: the core
   price slider; Relationships: the buyer map's log scales; any page but Data: the
   period's start year in the sidebar), with 1-3 s of think time between actions. A
   control change is timed as in ``bench_browser.py``: from the action until the last
   change to the page's main area, once the running indicator is gone and nothing has
   changed for 0.6 s.
   Meanwhile ``python -m analytics load FOLDER --db STORE`` runs every ``--load-every``
   seconds (``soak-b-2500``, ``soak-a``, ``soak-b-2500``, ...; none in the last 20 s), beside the
   app, as a scheduled load does (README, "Scheduled loads"). At the end each person
   switches page once more, and the dataset named in the sidebar is read.
5. **Report** (stdout and JSON): actions done, errors shown on pages (``stException``,
   error alerts: the app's friendly "Something went wrong ... (error id)" and "The data
   store cannot be opened right now"), actions that did not finish in 120 s, tracebacks in
   the server log, each load's exit status, time and peak memory (``wait4``'s maxrss),
   control-change and page-switch latency (p50, p95, max), their ratio to the reference,
   the server's peak memory (``VmHWM`` of the streamlit process, read from ``/proc``), the
   browser's summed RSS, the machine (cores, memory, load average).

The exit status is 1 if any error was shown, any action timed out, any load failed or
the server log holds a traceback or a friendly error's line; 0 otherwise.
``tests/browser/test_soak_smoke.py`` runs a short version (2 users, 24 s, one load of
300 customers).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_browser import IDLE, WATCH  # noqa: E402
from tests.benchmarks.measure import code_at  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WORK = ROOT / "bench-data" / "soak"
OUT = ROOT / "tests" / "benchmarks" / "out"
SAMPLE = (2000, 7)  # customers, seed: the embedded sample's
VARIANT_SEED = 11
NO_LOAD_IN_LAST_S = 20
TIMEOUT_MS = 120_000
QUIET_MS = 600
VIEWPORT = {"width": 1280, "height": 800}
# (link in the sidebar, the page's title)
PAGES = [("Overview", "Customer profitability"), ("Customers", "Customers"),
         ("Cost to serve", "Cost to serve"), ("Pricing", "Pricing scenarios"),
         ("Exit or transform", "Exit or transform"), ("Relationships", "Relationships"),
         ("Data", "Data")]
MAIN = "[data-testid='stMain']"
QUIET = ("(q) => performance.now() - window.__lastChange >= q && "
         "!document.querySelector('[data-testid=\"stStatusWidget\"]')")
ERRORS = """
() => {
  const out = [];
  for (const e of document.querySelectorAll("[data-testid='stException']"))
    out.push("exception: " + e.innerText.slice(0, 300));
  for (const e of document.querySelectorAll("[data-testid='stAlertContentError']"))
    out.push("error: " + e.innerText.slice(0, 300));
  const text = document.body.innerText;
  for (const s of ["Something went wrong", "cannot be opened right now"])
    if (text.includes(s) && !out.some((o) => o.includes(s))) out.push("text: " + s);
  return out;
}
"""
DATASET = """
() => {
  const side = document.querySelector("[data-testid='stSidebar']");
  const m = side && side.innerText.match(/Dataset: (.+)/);
  return m ? m[1].trim() : null;
}
"""


# --- data ------------------------------------------------------------------------------

def code_dir(commit: str | None, work: Path) -> Path:
    """The code to run: the working tree, or ``commit`` exported into the work folder."""
    return code_at(commit, work)


def fingerprint(code: Path) -> str:
    """A hash of the store's code (``data/``): a cached store is rebuilt when it changes."""
    digest = hashlib.sha1()
    for path in sorted((code / "data").rglob("*")):
        if path.suffix in {".py", ".sql"}:
            digest.update(str(path.relative_to(code)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_store(code: Path, work: Path) -> Path:
    path = work / f"base-{fingerprint(code)}.duckdb"
    if not path.exists():
        # Built in a folder of its own: the store's side files (lock, kept) stay there.
        folder = work / f"building-{os.getpid()}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        script = ("import sys; from data import Store; s = Store(sys.argv[1]); "
                  "s.ensure_dataset(); s.close()")
        subprocess.run([sys.executable, "-c", script, str(folder / "store.duckdb")],
                       cwd=code, check=True)
        (folder / "store.duckdb").rename(path)
        shutil.rmtree(folder)
    return path


def dataset_folder(name: str, customers: int, seed: int, code: Path, work: Path) -> Path:
    folder = work / name
    if not (folder / "transactions.csv").exists():
        subprocess.run([sys.executable, "-m", "analytics", "sample", str(folder),
                        "--customers", str(customers), "--seed", str(seed)], cwd=code,
                       check=True, stdout=subprocess.DEVNULL)
    return folder


def load_times(seconds: float, every: float) -> list[float]:
    """When the loads start: every ``every`` seconds, none in the run's last 20 s."""
    times, at = [], every
    while at <= seconds - NO_LOAD_IN_LAST_S:
        times.append(at)
        at += every
    return times


# --- processes -------------------------------------------------------------------------

def start_server(code: Path, db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PROFITLENS_DB": str(db), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=code, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as reply:
                if reply.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.25)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def proc_status(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of a process, in KiB (empty once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Sampler(threading.Thread):
    """Every 2 s: the server's RSS and high-water mark, the browser's summed RSS (every
    process under this one except the server and loads), the load average."""

    def __init__(self, server_pid: int):
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.skip: set[int] = {server_pid}
        self.stop = threading.Event()
        self.server_rss = self.server_hwm = self.browser_rss = 0
        self.load_avg = 0.0

    def sample(self) -> None:
        status = proc_status(self.server_pid)
        self.server_rss = max(self.server_rss, status.get("VmRSS", 0))
        self.server_hwm = max(self.server_hwm, status.get("VmHWM", 0))
        tree = [pid for pid in descendants(os.getpid()) if pid not in self.skip]
        skipped = set()
        for pid in list(self.skip):
            skipped.update(descendants(pid))
        total = sum(proc_status(pid).get("VmRSS", 0) for pid in tree if pid not in skipped)
        self.browser_rss = max(self.browser_rss, total)
        self.load_avg = max(self.load_avg, os.getloadavg()[0])

    def run(self) -> None:
        while not self.stop.wait(2):
            self.sample()

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: the server, the browser (its processes alive now), this
        driver, and the whole machine (every core's busy time, from ``/proc/stat``)."""
        skipped = set(self.skip)
        for pid in list(self.skip):
            skipped.update(descendants(pid))
        browser = [pid for pid in descendants(os.getpid()) if pid not in skipped]
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        ticks = os.sysconf("SC_CLK_TCK")
        busy = sum(int(x) for x in fields) - int(fields[3]) - int(fields[4])  # no idle, iowait
        own = os.times()
        return {"server": cpu_seconds(self.server_pid),
                "browser": sum(cpu_seconds(pid) for pid in browser),
                "driver": own.user + own.system, "machine": busy / ticks}


class Loads(threading.Thread):
    """``python -m analytics load`` at the given times (seconds from ``t0``)."""

    def __init__(self, code: Path, db: Path, folders: list[Path], times: list[float],
                 logs: Path, sampler: Sampler):
        super().__init__(daemon=True)
        self.code, self.db, self.folders, self.times = code, db, folders, times
        self.logs, self.sampler = logs, sampler
        self.t0 = time.monotonic()
        self.results: list[dict] = []

    def run(self) -> None:
        for number, (at, folder) in enumerate(zip(self.times, self.folders, strict=True), 1):
            time.sleep(max(0.0, self.t0 + at - time.monotonic()))
            log = self.logs / f"load-{number}.log"
            started = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", "analytics", "load", str(folder), "--db", str(self.db)],
                cwd=self.code, stdout=log.open("w"), stderr=subprocess.STDOUT,
            )
            self.sampler.skip.add(process.pid)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            self.sampler.skip.discard(process.pid)
            self.results.append({
                "folder": folder.name, "started_s": round(started - self.t0, 1),
                "seconds": round(time.monotonic() - started, 1),
                "exit": process.returncode, "peak_mib": round(usage.ru_maxrss / 1024),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                "log": str(log),
            })
            print(f"  load {number} ({folder.name}) at {started - self.t0:.0f} s: exit "
                  f"{process.returncode}, {time.monotonic() - started:.1f} s", flush=True)


# --- one person ------------------------------------------------------------------------

class User:
    def __init__(self, number: int, page, rng: random.Random, shots: Path):
        self.number, self.page, self.rng, self.shots = number, page, rng, shots
        self.where = "Overview"
        self.controls: list[tuple[str, float]] = []  # (kind, ms)
        self.switches: list[float] = []  # ms
        self.actions = 0
        self.errors: list[dict] = []
        self.timeouts: list[dict] = []
        self.datasets: list[str] = []
        self.seen: set[str] = set()

    async def measured(self, act) -> float:
        """Milliseconds from ``act`` until the main area's last change (app idle, nothing
        changed for 0.6 s): ``bench_browser.py``'s measure."""
        page = self.page
        await page.evaluate(WATCH, MAIN)
        start = await page.evaluate("performance.now()")
        await act()
        await page.wait_for_function("(s) => window.__lastChange > s", arg=start,
                                     timeout=TIMEOUT_MS, polling=100)
        await page.wait_for_function(QUIET, arg=QUIET_MS, timeout=TIMEOUT_MS, polling=100)
        return await page.evaluate("window.__lastChange") - start

    async def switch(self, name: str | None = None) -> None:
        page = self.page
        name = name or self.rng.choice([n for n, _ in PAGES if n != self.where])
        title = dict(PAGES)[name]
        start = await page.evaluate("performance.now()")
        await page.locator("[data-testid='stSidebarNav'] a", has_text=name).first.click()
        await page.wait_for_function(
            "(t) => { const h = document.querySelector('h1'); return h && h.innerText === t; }",
            arg=title, timeout=TIMEOUT_MS, polling=100)
        await page.wait_for_function(IDLE, timeout=TIMEOUT_MS, polling=100)
        shown = await page.evaluate("performance.now()")
        await page.evaluate(WATCH, MAIN)
        await page.wait_for_function(
            "(q) => performance.now() - Math.max(window.__lastChange, 0) >= q", arg=400,
            timeout=TIMEOUT_MS, polling=100)
        end = max(shown, await page.evaluate("window.__lastChange"))
        self.where = name
        self.switches.append(end - start)

    async def thresholds(self) -> float:
        page = self.page
        chosen = await page.locator("[data-testid='stRadio'] [data-selected='true']").first \
            .inner_text()
        label = "Means" if "Medians" in chosen else "Medians"
        return await self.measured(
            lambda: page.locator("[data-testid='stRadioOption']", has_text=label).first.click())

    async def uncertainty(self) -> float:
        """The rate uncertainty (the map's rings of sensitive customers), a step of 5 %
        up or down between 0 and 15 %."""
        page = self.page
        box = page.locator("[data-testid='stNumberInput']", has_text="Rate uncertainty").first
        value = float(await box.locator("input").input_value())
        up = value < 5 or (value < 15 and self.rng.random() < 0.5)
        button = "stNumberInputStepUp" if up else "stNumberInputStepDown"
        return await self.measured(
            lambda: box.locator(f"[data-testid='{button}']").click())

    async def slider(self) -> float:
        page = self.page
        knob = page.locator("[data-testid='stSlider'] input").first
        value = float(await knob.input_value())
        key = ("ArrowLeft" if value >= 5 else "ArrowRight" if value <= -5
               else self.rng.choice(["ArrowLeft", "ArrowRight"]))

        async def act():
            await knob.focus()
            await page.keyboard.press(key)
        return await self.measured(act)

    async def log_scales(self) -> float:
        page = self.page
        return await self.measured(
            lambda: page.get_by_text("Log scales", exact=True).first.click())

    async def period(self) -> float:
        """The period's start year, 2022 <-> 2023 (committed when the field loses focus)."""
        page = self.page
        year = page.locator("[data-testid='stSidebar'] [role='spinbutton']"
                            "[aria-label='year, Period start date']")
        now = int(await year.get_attribute("aria-valuenow"))
        key = "ArrowDown" if now > 2022 else "ArrowUp"

        async def act():
            await year.focus()
            await page.keyboard.press(key)
            await page.locator("[data-testid='stSidebar'] [data-testid='stMarkdownContainer']",
                               has_text="Filters").first.click()
        return await self.measured(act)

    CONTROLS: ClassVar[dict] = {"Customers": ("thresholds", "uncertainty"), "Pricing": ("slider",),
                "Relationships": ("log_scales",)}

    def choose(self) -> str:
        # Not the period on the Data page: nothing there depends on it, so its main area
        # is not redrawn and the measure would wait for a change that never comes (the
        # one timeout of the first full run).
        period = ["period"] if self.where != "Data" else []
        options = ["switch", *period, *self.CONTROLS.get(self.where, ())]
        weights = [1.0, *[0.5] * len(period), *[1.0] * (len(options) - 1 - len(period))]
        return self.rng.choices(options, weights)[0]

    async def act(self, kind: str) -> None:
        if kind == "switch":
            await self.switch()
        else:
            self.controls.append((kind, await getattr(self, kind)()))
        self.actions += 1

    async def check(self, after: str) -> None:
        page = self.page
        for text in await page.evaluate(ERRORS):
            if text not in self.seen:
                self.seen.add(text)
                self.errors.append({"user": self.number, "after": after, "page": self.where,
                                    "text": text, "at": dt.datetime.now().isoformat()})
                await page.screenshot(path=str(self.shots / f"error-user{self.number}-"
                                               f"{len(self.errors)}.png"), full_page=True)
        dataset = await page.evaluate(DATASET)
        if dataset and (not self.datasets or self.datasets[-1] != dataset):
            self.datasets.append(dataset)

    async def step(self, kind: str, url: str) -> None:
        try:
            await self.act(kind)
            await self.check(kind)
        except Exception as exc:  # a timeout, or an element that never came (120 s)
            self.timeouts.append({"user": self.number, "action": kind, "page": self.where,
                                  "error": str(exc).splitlines()[0][:200],
                                  "at": dt.datetime.now().isoformat()})
            await self.recover(url)

    async def recover(self, url: str) -> None:
        """After a timeout: a screenshot, then a fresh start on the Overview."""
        try:
            await self.page.screenshot(path=str(self.shots / f"timeout-user{self.number}-"
                                                f"{len(self.timeouts)}.png"))
            await self.page.goto(url)
            await self.wait_for_app()
            self.where = "Overview"
            await self.check("recovery")
        except Exception as exc:
            self.timeouts.append({"user": self.number, "action": "recovery",
                                  "page": self.where,
                                  "error": str(exc).splitlines()[0][:200],
                                  "at": dt.datetime.now().isoformat()})

    async def wait_for_app(self) -> None:
        await self.page.wait_for_selector("h1", timeout=TIMEOUT_MS)
        await self.page.wait_for_function(IDLE, timeout=TIMEOUT_MS, polling=100)

    async def loop(self, url: str, deadline: float, loading) -> None:
        try:
            await self.page.goto(url)
            await self.wait_for_app()
            await self.check("start")
        except Exception as exc:
            self.timeouts.append({"user": self.number, "action": "start", "page": "Overview",
                                  "error": str(exc).splitlines()[0][:200],
                                  "at": dt.datetime.now().isoformat()})
            await self.recover(url)
        while time.monotonic() < deadline:
            await self.step(self.choose(), url)
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))
        while loading():  # a load still running: its dataset is to be seen too
            await asyncio.sleep(0.5)
        # One more rerun, so that everyone has met the last load.
        await self.step("switch", url)


async def reference(browser, url: str, rounds: int, shots: Path) -> dict[str, list[float]]:
    """One person alone: each control changed ``rounds`` times after one warm-up round."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    user = User(0, await context.new_page(), random.Random(0), shots)
    await user.page.goto(url)
    await user.wait_for_app()
    measured: dict[str, list[float]] = {}
    plan = [("Customers", "thresholds"), ("Customers", "uncertainty"), ("Customers", "period"),
            ("Pricing", "slider"), ("Relationships", "log_scales")]
    for number in range(rounds + 1):
        for where, kind in plan:
            if user.where != where:
                await user.switch(where)
            ms = await getattr(user, kind)()
            if number:  # round 0 warms the caches
                measured.setdefault(kind, []).append(ms)
    await user.check("reference")
    await context.close()
    if user.errors:
        raise SystemExit(f"errors in the reference run: {user.errors}")
    return measured


async def drive(port: int, users: int, seconds: float, rounds: int, seed: int,
                shots: Path, on_start, on_end) -> dict:
    from playwright.async_api import async_playwright

    url = f"http://127.0.0.1:{port}/"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ref = await reference(browser, url, rounds, shots) if rounds else {}
        people = []
        for number in range(1, users + 1):
            context = await browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(TIMEOUT_MS)  # every wait: a busy machine is the point
            context.set_default_navigation_timeout(TIMEOUT_MS)
            people.append(User(number, await context.new_page(),
                               random.Random(seed * 1000 + number), shots))
        loads = on_start()
        deadline = time.monotonic() + seconds

        async def run(user: User, delay: float):
            await asyncio.sleep(delay)
            await user.loop(url, deadline, loads.is_alive)

        outcomes = await asyncio.gather(*(run(u, 0.5 * i) for i, u in enumerate(people)),
                                        return_exceptions=True)
        for user, outcome in zip(people, outcomes, strict=True):
            if isinstance(outcome, BaseException):  # counted as a failure, never hidden
                user.timeouts.append({"user": user.number, "action": "gave up",
                                      "page": user.where, "error": repr(outcome)[:200]})
        on_end()
        version = browser.version
        await browser.close()
    return {"reference": ref, "users": people, "chromium": version}


# --- report ----------------------------------------------------------------------------

def spread(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "p50": round(statistics.median(values)), "p95": round(p95),
            "max": round(max(values))}


def cpu_split(start: dict, end: dict, loads: list[dict]) -> dict:
    """Where the machine's CPU time went while the people were at work."""
    used = {key: round(end[key] - start[key], 1) for key in start}
    used["loads"] = round(sum(x["cpu_s"] for x in loads), 1)
    used["other_programs"] = round(used["machine"] - used["server"] - used["browser"]
                                   - used["driver"] - used["loads"], 1)
    return used


def machine() -> dict:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cores": os.cpu_count(), "memory_gib": round(int(mem.split()[1]) / 2**20, 1),
            "system": platform.platform(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--load-every", type=float, default=120, help="seconds")
    parser.add_argument("--variant-customers", type=int, default=2500,
                        help="customers of the other dataset (soak-b-N, seed 11)")
    parser.add_argument("--reference-rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8560)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commit", help="soak this revision instead of the working tree")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--base-store", type=Path)
    parser.add_argument("--json", type=Path, default=OUT / "soak.json")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    code = code_dir(args.commit, work)
    seconds = args.minutes * 60
    times = load_times(seconds, args.load_every)
    variant = (f"soak-b-{args.variant_customers}", args.variant_customers, VARIANT_SEED)
    order = [variant, ("soak-a", *SAMPLE)]
    folders = [dataset_folder(*order[i % 2], code, work) for i in range(len(times))]
    base = args.base_store.resolve() if args.base_store else base_store(code, work)
    run_dir = work / f"run-{args.port}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    db = run_dir / "store.duckdb"
    shutil.copy(base, db)
    log = run_dir / "server.log"

    print(f"soak: {args.users} users, {seconds:.0f} s, loads at {times} s; code "
          f"{code}; logs in {run_dir}", flush=True)
    load_before = os.getloadavg()
    server = start_server(code, db, args.port, log)
    sampler = Sampler(server.pid)
    sampler.start()
    holder: dict = {}

    def on_start():
        holder["load_avg_start"] = os.getloadavg()
        holder["loads"] = Loads(code, db, folders, times, run_dir, sampler)
        holder["loads"].start()
        holder["t0"] = time.monotonic()
        holder["cpu_start"] = sampler.cpu()
        print("users started", flush=True)
        return holder["loads"]

    def on_end():
        holder["loads"].join()
        holder["cpu_end"] = sampler.cpu()
        holder["wall"] = time.monotonic() - holder["t0"]

    try:
        driven = asyncio.run(drive(args.port, args.users, seconds, args.reference_rounds,
                                   args.seed, run_dir, on_start, on_end))
        loads: Loads = holder["loads"]
        wall = holder["wall"]
        sampler.sample()
    finally:
        sampler.stop.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    people: list[User] = driven["users"]
    ref = driven["reference"]
    controls = [ms for u in people for _, ms in u.controls]
    kinds = sorted({kind for u in people for kind, _ in u.controls})
    ref_all = [ms for values in ref.values() for ms in values]
    ref_median = statistics.median(ref_all) if ref_all else None
    server_log = log.read_text(errors="replace")
    errors = [e for u in people for e in u.errors]
    timeouts = [t for u in people for t in u.timeouts]
    last_folder = loads.results[-1]["folder"] if loads.results else None
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
        "code": "working tree" if code == ROOT else code.name,
        "users": args.users, "seconds": round(wall), "load_every_s": args.load_every,
        "actions": sum(u.actions for u in people),
        "page_switches": sum(len(u.switches) for u in people),
        "control_changes": len(controls),
        "errors_shown": errors, "timeouts": timeouts,
        "server_tracebacks": server_log.count("Traceback"),
        # The friendly errors' log lines: "error <id> on a page", "error <id>: the store..."
        "server_error_lines": len(re.findall(r"^error [0-9a-f]{8}\b", server_log, re.M)),
        "loads": loads.results,
        "control_ms": spread(controls),
        "control_ms_by_kind": {k: spread([ms for u in people for kind, ms in u.controls
                                          if kind == k]) for k in kinds},
        "page_switch_ms": spread([ms for u in people for ms in u.switches]),
        "reference_ms": {"median": round(ref_median) if ref_median else None,
                         "by_kind": {k: spread(v) for k, v in ref.items()}},
        "p95_to_reference": (round(spread(controls)["p95"] / ref_median, 2)
                             if ref_median and controls else None),
        "server_peak_mib": {"VmHWM": round(sampler.server_hwm / 1024),
                            "VmRSS_sampled_max": round(sampler.server_rss / 1024)},
        "browser_peak_rss_mib": round(sampler.browser_rss / 1024),
        "cpu_s": cpu_split(holder["cpu_start"], holder["cpu_end"], loads.results),
        "datasets_seen": {u.number: u.datasets for u in people},
        "final_dataset_is_last_load": (
            all(u.datasets and u.datasets[-1].endswith(last_folder) for u in people)
            if last_folder else None),
        "machine": {**machine(), "chromium": driven["chromium"],
                    "load_avg_before": [round(x, 2) for x in load_before],
                    "load_avg_at_start": [round(x, 2) for x in holder["load_avg_start"]],
                    "load_avg_1min_max": round(sampler.load_avg, 2),
                    "load_avg_end": [round(x, 2) for x in os.getloadavg()]},
        "run_dir": str(run_dir),
    }
    failed = bool(errors or timeouts or result["server_tracebacks"]
                  or result["server_error_lines"]
                  or any(r["exit"] != 0 for r in loads.results))
    result["passed"] = not failed
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))
    return 1 if failed else 0


def report(r: dict) -> str:
    c, s, m = r["control_ms"], r["page_switch_ms"], r["machine"]
    lines = [
        f"soak {r['date']} ({r['code']}): {r['users']} users for {r['seconds']} s, "
        f"{r['actions']} actions ({r['page_switches']} page switches, "
        f"{r['control_changes']} control changes)",
        f"errors shown: {len(r['errors_shown'])}; actions timed out: {len(r['timeouts'])}; "
        f"server tracebacks: {r['server_tracebacks']} (friendly errors logged: "
        f"{r['server_error_lines']})",
        "loads: " + ("; ".join(f"{x['folder']} at {x['started_s']} s: exit {x['exit']}, "
                               f"{x['seconds']} s, peak {x['peak_mib']} MiB"
                               for x in r["loads"]) or "none"),
    ]
    if c["n"]:
        lines.append(f"control change: p50 {c['p50']} ms, p95 {c['p95']} ms, max {c['max']} "
                     f"ms (n={c['n']}); reference alone: median {r['reference_ms']['median']} "
                     f"ms; p95 / reference = {r['p95_to_reference']}")
        for kind, k in r["control_ms_by_kind"].items():
            ref = r["reference_ms"]["by_kind"].get(kind, {})
            lines.append(f"  {kind}: p50 {k['p50']} ms, p95 {k['p95']} ms, max {k['max']} ms "
                         f"(n={k['n']}); alone p50 {ref.get('p50', '-')} ms")
    if s["n"]:
        lines.append(f"page switch: p50 {s['p50']} ms, p95 {s['p95']} ms, max {s['max']} ms "
                     f"(n={s['n']})")
    u = r["cpu_s"]
    lines += [
        f"CPU seconds in {r['seconds']} s on {m['cores']} cores ({r['seconds'] * m['cores']} "
        f"available): server {u['server']}, browser {u['browser']}, loads {u['loads']}, "
        f"this driver {u['driver']}, other programs {u['other_programs']} (machine busy "
        f"{u['machine']})",
        f"server peak memory: VmHWM {r['server_peak_mib']['VmHWM']} MiB; browser (all "
        f"processes) peak RSS {r['browser_peak_rss_mib']} MiB",
        f"every user on the last load's dataset at the end: {r['final_dataset_is_last_load']}",
        f"machine: {m['cores']} cores, {m['memory_gib']} GiB, load average at start "
        f"{m['load_avg_at_start']}, 1-min max {m['load_avg_1min_max']}, end "
        f"{m['load_avg_end']}; Chromium {m['chromium']}",
        "PASSED" if r["passed"] else "FAILED",
    ]
    for e in r["errors_shown"][:10]:
        lines.append(f"  error (user {e['user']}, {e['page']}, after {e['after']}): "
                     f"{e['text'][:200]}")
    for t in r["timeouts"][:10]:
        lines.append(f"  timeout (user {t['user']}, {t['page']}, {t['action']}): {t['error']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
