"""Benchmark: one pricing-scenario recompute (a slider move) on 100,000 customers.

Run from the repository root::

    python tests/benchmarks/bench_scenario.py [--customers 100000] [--activities 20] [--runs 200]

The customer base comes from ``bench-data/store-100000.duckdb`` when it exists (made by
``bench_report.py`` / ``python -m analytics load``; copied aside first when another
process holds its lock), padded with synthetic activities up to ``--activities``;
otherwise it is synthetic numpy data of the same shape. The scenario is a heavy one:
every activity on the menu, a core price cut, a minimum order with surcharge and
consolidation, capacity not following usage, and a segment scope.

Timed, as medians of many runs in one process: ``ScenarioBase.run`` (the per-slider
work: per-customer table, bridge, migration, summary figures), the same plus the
whale curve after and the menu check (everything the page redraws), and, as the
reference measured in the same run, one ``analyse()`` on the same base. Results go to
stdout and ``tests/benchmarks/out/scenario.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from analytics.analysis import analyse  # noqa: E402
from analytics.scenario import Scenario, ScenarioBase, Scope, unbundle  # noqa: E402

TARGET_MS = 100.0
MINIMUM_ORDER = 400.0


def _open_store(path: Path, workdir: Path):
    """The store at ``path``, or a copy of it when another process holds its lock."""
    from data import Store, StoreError

    try:
        return Store(path), "store"
    except StoreError:
        copy = workdir / path.name
        shutil.copy(path, copy)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copy(wal, workdir / wal.name)
        return Store(copy), "store (a copy: the original is locked by another process)"


def from_store(path: Path, workdir: Path) -> tuple[dict, str]:
    store, source = _open_store(path, workdir)
    try:
        base = store.customer_base()
        started = time.perf_counter()
        orders = store.order_sizes(MINIMUM_ORDER)
        order_seconds = time.perf_counter() - started
    finally:
        store.close()
    return {
        "customers": base.customers,
        "volumes": base.volumes,
        "rates": base.rates,
        "resources": base.resources,
        "orders": orders,
        "order_sizes_seconds": order_seconds,
    }, f"{path.relative_to(ROOT)} ({source})"


def synthetic(customers: int, activities: int, seed: int = 7) -> tuple[dict, str]:
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"C{i:06d}" for i in range(1, customers + 1)], name="customer_id")
    size = rng.lognormal(9.5, 1.3, customers)
    table = pd.DataFrame(
        {
            "list_revenue": size * 1.12,
            "net_revenue": size,
            "cogs": size * rng.uniform(0.55, 0.8, customers),
            "segment": rng.choice(["Premium service", "Price-driven", "Demanding", "Passive"],
                                  customers),
        },
        index=ids,
    )
    names = [f"Activity {j + 1}" for j in range(activities)]
    volumes = pd.DataFrame(
        rng.poisson(rng.uniform(0.2, 40.0, activities) * (size[:, None] / 2e4) ** 0.6),
        index=ids, columns=names,
    ).astype(float)
    rates = pd.DataFrame({"activity": names, "resource": ["Customer service", "Logistics"]
                          * (activities // 2) + ["Customer service"] * (activities % 2),
                          "unit_time": rng.uniform(4.0, 240.0, activities)})
    minutes = (volumes.sum() * rates.set_index("activity")["unit_time"]).groupby(
        rates.set_index("activity")["resource"]).sum()
    resources = pd.DataFrame({"resource": minutes.index, "cost": minutes.to_numpy() * 0.9,
                              "capacity": minutes.to_numpy() * 1.2})
    order_count = volumes[names[0]].astype(int)
    orders = pd.DataFrame({"orders": order_count,
                           "small_orders": rng.binomial(order_count, 0.25)}, index=ids)
    return {"customers": table, "volumes": volumes, "rates": rates, "resources": resources,
            "orders": orders, "order_sizes_seconds": None}, "synthetic numpy data"


def pad(data: dict, activities: int, seed: int = 7) -> int:
    """Add synthetic direct-cost activities until there are ``activities``; how many."""
    rates, volumes = data["rates"], data["volumes"]
    missing = activities - len(rates)
    if missing <= 0:
        return 0
    rng = np.random.default_rng(seed)
    names = [f"Synthetic activity {j + 1}" for j in range(missing)]
    extra = pd.DataFrame(rng.poisson(2.0, (len(volumes), missing)).astype(float),
                         index=volumes.index, columns=names)
    data["volumes"] = pd.concat([volumes, extra], axis=1)
    data["rates"] = pd.concat(
        [rates, pd.DataFrame({"activity": names, "cost_per_unit": rng.uniform(5, 50, missing)})],
        ignore_index=True,
    )
    return missing


def median_ms(action, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--synthetic", action="store_true", help="ignore the bench store")
    args = parser.parse_args()

    store_path = args.data / f"store-{args.customers}.duckdb"
    with tempfile.TemporaryDirectory(prefix="profitlens-bench-") as workdir:
        if store_path.exists() and not args.synthetic:
            data, source = from_store(store_path, Path(workdir))
        else:
            data, source = synthetic(args.customers, args.activities)
    padded = pad(data, args.activities)

    def run_analyse():
        return analyse(data["customers"], data["volumes"], data["rates"], data["resources"])

    analysis = run_analyse()
    started = time.perf_counter()
    base = ScenarioBase.build(analysis, data["volumes"], data["orders"], MINIMUM_ORDER)
    build_ms = (time.perf_counter() - started) * 1000
    segments = base.segments[:2]
    scenario: Scenario = unbundle(base).with_changes(
        name="Benchmark", minimum_order_value=MINIMUM_ORDER, small_order_fee=25.0,
        consolidation_pct=40.0, order_activity=base.activities[0],
        capacity_follows_usage=False,
        scope=Scope.segment(*segments) if segments else Scope(),
    )
    n, k = base.usage.shape
    print(f"base: {n:,} customers x {k} activities from {source}"
          + (f" ({padded} synthetic activities added)" if padded else ""), flush=True)

    reference_ms, _ = median_ms(run_analyse, max(3, args.runs // 40))
    base.run(scenario)  # warm up
    run_ms, run_times = median_ms(lambda: base.run(scenario), args.runs)

    def redraw():
        result = base.run(scenario)
        result.summary()  # includes the menu check
        return result.whale_after

    redraw_ms, _ = median_ms(redraw, max(10, args.runs // 4))
    result = base.run(scenario).summary()

    report = {
        "customers": n,
        "activities": k,
        "synthetic_activities": padded,
        "source": source,
        "cpu_count": os.cpu_count(),
        "runs": args.runs,
        "scenario_run_ms": round(run_ms, 2),
        "scenario_run_p95_ms": round(float(np.percentile(run_times, 95)), 2),
        "scenario_with_whale_and_menu_check_ms": round(redraw_ms, 2),
        "reference_analyse_ms": round(reference_ms, 1),
        "build_base_ms": round(build_ms, 1),
        "order_sizes_query_ms": (round(data["order_sizes_seconds"] * 1000, 1)
                                 if data["order_sizes_seconds"] is not None else None),
        "target_ms": TARGET_MS,
        "profit_before": result["profit_before"],
        "profit_after": result["profit_after"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scenario.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"one scenario recompute (ScenarioBase.run): median {run_ms:.1f} ms, "
          f"p95 {report['scenario_run_p95_ms']:.1f} ms over {args.runs} runs "
          f"(target < {TARGET_MS:.0f} ms: {'met' if run_ms < TARGET_MS else 'MISSED'})")
    print(f"  + whale curve after and menu check: median {redraw_ms:.1f} ms")
    print(f"reference, one analyse() on the same base: median {reference_ms:.1f} ms "
          f"(scenario = {run_ms / reference_ms:.2f} x analyse)")
    print(f"building the ScenarioBase once: {build_ms:.1f} ms"
          + (f"; order sizes query ({MINIMUM_ORDER:g} minimum): "
             f"{report['order_sizes_query_ms']:.0f} ms" if report["order_sizes_query_ms"]
             else ""))


if __name__ == "__main__":
    main()
