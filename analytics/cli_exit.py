"""``python -m analytics exit``: what a set of customers leaving does to company profit.

Wiring, like :mod:`analytics.cli` (whose error conventions it follows: invalid input is
one line on stderr and exit status 2): the dataset comes from ``data/``, the figures
from :mod:`analytics.exit`. Writes ``exit_customers.csv`` (one row per customer leaving)
and ``exit_summary.json`` (the totals, the break-even capacity cut per resource, the
period).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from analytics.cli import (
    EXIT_OK,
    InvalidInput,
    _date,
    _finite,
    _one_source,
    _recipe_option,
    analysed,
    period_summary,
    selection_of,
)
from analytics.quadrants import QUADRANTS


def add_parser(commands) -> None:
    """The ``exit`` subcommand, on the subparsers of :func:`analytics.cli.build_parser`."""
    parser = commands.add_parser(
        "exit", help="what a set of customers leaving does to profit, capacity kept or cut")
    parser.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    parser.add_argument("--db", help="use the dataset loaded in this database")
    _recipe_option(parser)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--customers", metavar="ID,ID,...", help="hand-picked customer ids")
    who.add_argument("--quadrant", choices=QUADRANTS, help="every customer of a quadrant")
    who.add_argument("--bottom-pct", type=_finite, metavar="P",
                     help="the least profitable P %% of customers (the whale curve's tail)")
    who.add_argument("--segment", metavar="NAME", help="every customer of a segment")
    parser.add_argument("--out", type=Path, required=True, help="folder for the result files")
    parser.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    parser.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")


def cmd_exit(args) -> int:
    from analytics.exit import choose, exit_outcome
    from analytics.export import to_csv
    from analytics.metrics import format_money

    _one_source(args, "exit")
    selection = selection_of(args)
    ids = None
    if args.customers is not None:
        ids = [c.strip() for c in args.customers.split(",") if c.strip()]
        if not ids:
            raise InvalidInput("--customers needs at least one customer id")
    base, analysis = analysed(args, selection)
    try:
        chosen = choose(analysis.pnl, customers=ids, quadrant=args.quadrant,
                        bottom_pct=args.bottom_pct, segment=args.segment)
    except ValueError as exc:
        option = next(f"--{name.replace('_', '-')}" for name in
                      ("customers", "quadrant", "bottom_pct", "segment")
                      if getattr(args, name) is not None)
        raise InvalidInput(f"{option}: {exc}") from None
    outcome = exit_outcome(analysis, base.volumes, chosen)
    summary = outcome.summary()
    summary["period"] = period_summary(selection)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    to_csv(outcome.customers, out / "exit_customers.csv")
    (out / "exit_summary.json").write_text(json.dumps(summary, indent=2) + "\n",
                                           encoding="utf-8")
    print(f"{summary['customers']:,} customers ({chosen.label}) leave: revenue lost "
          f"{format_money(summary['revenue_lost'])}; profit change "
          f"{format_money(summary['profit_change_capacity_kept'])} with capacity kept, "
          f"{format_money(summary['profit_change_capacity_cut'])} with it cut; wrote {out}")
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK
