"""``python -m analytics portfolio``: the relationship portfolio of a period (issue 11).

Wiring, like :mod:`analytics.cli` (whose error conventions it follows: invalid input is
one line on stderr and exit status 2): the per-customer, per-year and price facts come
from ``data/``, every figure from :mod:`analytics.relationships`. Writes
``portfolio.csv`` (one row per customer), ``ladder.csv`` (one row per rung),
``cohorts.csv`` (one row per cohort and year) and ``portfolio_summary.json``.

The period's last 12 months (share of wallet, ``grows``) and the 12 before are read as
periods of their own when the period covers them; each calendar year of the period is
analysed on its own for the cohorts' profit (the year's capacity prorated as any
period's is).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from analytics.cli import (
    EXIT_OK,
    InvalidInput,
    _analyse,
    _date,
    _finite,
    _one_source,
    _open_dataset,
    _read_recipe,
    _recipe_option,
    customer_base,
    selection_of,
)
from analytics.selection import Selection


def add_parser(commands) -> None:
    """The ``portfolio`` subcommand, on the subparsers of :func:`analytics.cli.build_parser`."""
    parser = commands.add_parser(
        "portfolio", help="buyer types, loyalty ladder, relationships, share of wallet, "
        "cohorts")
    parser.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    parser.add_argument("--db", help="use the dataset loaded in this database")
    _recipe_option(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for the result files")
    parser.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    parser.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")
    parser.add_argument("--ladder", metavar="RUNG,RUNG,...",
                        help="the loyalty ladder's rungs in order (default: repurchases,"
                        "grows,refers,stays,pays_premium,collaborates,invests)")
    parser.add_argument("--rung-cost", type=_finite, metavar="MONEY",
                        help="cost of moving one customer up a rung (return on effort)")
    parser.add_argument("--win-cost-pct", type=_finite, metavar="PCT", default=0.0,
                        help="cost of winning a wallet's headroom, %% of it (default: 0)")
    parser.add_argument("--reward-threshold", type=_finite, metavar="MONEY",
                        help="custom buyer-type split on net margin (with --cost-threshold)")
    parser.add_argument("--cost-threshold", type=_finite, metavar="MONEY",
                        help="custom buyer-type split on cost to serve")


def _ladder(args) -> tuple[str, ...] | None:
    from analytics.relationships import check_ladder

    text, where = args.ladder, "--ladder"
    if text is None and args.recipe is not None:
        rungs = _read_recipe(args.recipe).ladder
        if rungs:
            text, where = ",".join(rungs), f"{args.recipe.name}, ladder.rungs"
    if text is None:
        return None
    try:
        return check_ladder([r.strip() for r in text.split(",") if r.strip()])
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from None


def _check(args) -> Selection:
    """The command's Selection, once its options are checked."""
    _one_source(args, "portfolio")
    selection = selection_of(args)
    if (args.reward_threshold is None) != (args.cost_threshold is None):
        raise InvalidInput("--reward-threshold and --cost-threshold go together")
    if args.rung_cost is not None and args.rung_cost <= 0:
        raise InvalidInput(f"--rung-cost must be above 0, not {args.rung_cost:g}")
    if args.win_cost_pct < 0:
        raise InvalidInput(f"--win-cost-pct must be 0 or more, not {args.win_cost_pct:g}")
    return selection


def _yearly(store, selection: Selection, periods, load_warnings) -> pd.DataFrame:
    """Each calendar year of the period analysed on its own: customer, year, net
    revenue, cost to serve, profit."""
    from analytics.relationships.periods import yearly_profits

    def analyse_year(first, last):
        base = customer_base(store, selection.with_period(first, last))
        return None if base.customers.empty else _analyse(base, load_warnings).pnl

    return yearly_profits(analyse_year, periods)


def cmd_portfolio(args) -> int:
    from analytics.export import to_csv
    from analytics.relationships import DEFAULT_LADDER, build_portfolio
    from analytics.relationships.periods import portfolio_periods

    selection = _check(args)
    ladder = _ladder(args) or DEFAULT_LADDER
    store, load_warnings = _open_dataset(args)
    try:
        base = customer_base(store, selection)
        if base.customers.empty:
            raise InvalidInput("no customer has invoice lines or activity in the chosen period")
        info = store.info()
        periods = portfolio_periods(
            max(d for d in (selection.start, info.first_date) if d is not None),
            min(d for d in (selection.end, info.last_date) if d is not None))
        customer_years = store.customer_years(**selection.store_args())
        first_purchase = store.first_purchase()
        price_index = store.price_index(**selection.store_args())
        last12, prior12 = (
            None if window is None else
            customer_base(store, selection.with_period(*window)).customers["net_revenue"]
            for window in (periods.last12, periods.prior12))
        yearly = _yearly(store, selection, periods, load_warnings)
    finally:
        store.close()
    analysis = _analyse(base, load_warnings, selection)
    custom = args.reward_threshold is not None
    result = build_portfolio(
        analysis.pnl, base.customers, base.rates, customer_years, first_purchase,
        price_index, yearly=yearly, revenue_last12=last12, revenue_prior12=prior12,
        years=periods.years, period_end=periods.end, ladder=ladder,
        buyer_method="custom" if custom else "median",
        reward_threshold=args.reward_threshold, cost_threshold=args.cost_threshold,
        rung_cost=args.rung_cost, win_cost_pct=args.win_cost_pct)
    summary = result.summary()
    summary["period"] = {"start": periods.start.isoformat(), "end": periods.end.isoformat(),
                         "years": periods.years,
                         "last_12_months": None if periods.last12 is None else
                         [d.isoformat() for d in periods.last12]}
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    to_csv(result.portfolio_export(), out / "portfolio.csv")
    to_csv(result.ladder_export(), out / "ladder.csv")
    to_csv(result.cohorts_export(), out / "cohorts.csv")
    (out / "portfolio_summary.json").write_text(json.dumps(summary, indent=2) + "\n",
                                                encoding="utf-8")
    groups = summary["buyer_types"]["groups"]
    print(f"{summary['customers']:,} customers: "
          + ", ".join(f"{groups[k]['customers']:,} {k}" for k in groups)
          + f"; {summary['relationships']['overdesigned'] or 0:,} overdesigned; wrote {out}")
    for note in result.missing:
        print(f"note: {note}", file=sys.stderr)
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK
