"""``python -m analytics compare``: two periods compared (issue 12).

Wiring, like :mod:`analytics.cli` (invalid input is one line on stderr, exit status 2):
each period's customer P&L from ``data/`` and :func:`analytics.analysis.analyse_base`
(quadrants split at each period's own thresholds), the comparison from
:mod:`analytics.compare`. Writes ``compare.csv`` (one row per customer of either period)
and ``compare_summary.json`` (profits, the bridge, customers by status, the quadrant
migration matrix).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from analytics.cli import (
    EXIT_OK,
    InvalidInput,
    _analyse,
    _one_source,
    _open_dataset,
    _recipe_option,
    customer_base,
)
from analytics.selection import Selection


def period_spec(text: str) -> tuple[dt.date, dt.date]:
    """``START:END`` (ISO dates, both included) as two dates.

    >>> period_spec("2024-01-01:2024-12-31")
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    first, sep, last = text.partition(":")
    try:
        if not sep:
            raise ValueError
        start, end = dt.date.fromisoformat(first.strip()), dt.date.fromisoformat(last.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" is not a period: START:END, e.g. 2024-01-01:2024-12-31') from None
    if end < start:
        raise argparse.ArgumentTypeError(f'"{text}": the period ends before it starts')
    return start, end


def add_parser(commands) -> None:
    """The ``compare`` subcommand, on the subparsers of :func:`analytics.cli.build_parser`."""
    parser = commands.add_parser(
        "compare", help="compare two periods: the profit bridge, customers lost and won, "
        "quadrant migration")
    parser.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    parser.add_argument("--db", help="use the dataset loaded in this database")
    _recipe_option(parser)
    parser.add_argument("--base", type=period_spec, required=True, metavar="START:END",
                        help="the period compared with (e.g. 2023-01-01:2023-12-31)")
    parser.add_argument("--current", type=period_spec, required=True, metavar="START:END",
                        help="the period looked at (e.g. 2024-01-01:2024-12-31)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the result files")


def compared(store, load_warnings, base: Selection, current: Selection):
    """The comparison of two selections of an open store, with the current period's
    analysis (``(PeriodComparison, Analysis, Analysis)``); no customer in both periods
    together is invalid input."""
    from analytics.compare import compare_periods

    results = []
    for selection in (base, current):
        table = customer_base(store, selection)
        results.append(None if table.customers.empty
                       else _analyse(table, load_warnings, selection))
    if results[0] is None and results[1] is None:
        raise InvalidInput("no customer has invoice lines or activity in either period")
    empty = None
    for result in results:
        if result is not None:
            empty = result.pnl.iloc[:0]
    pnls = [empty if r is None else r.pnl for r in results]
    return compare_periods(*pnls), results[0], results[1]


def cmd_compare(args) -> int:
    from analytics.compare import overlap
    from analytics.export import to_csv

    _one_source(args, "compare")
    if overlap(args.base, args.current):
        raise InvalidInput("--base and --current overlap: compare two periods that share no "
                           "day (a customer's lines would count in both)")
    base, current = Selection(*args.base), Selection(*args.current)
    store, load_warnings = _open_dataset(args)
    try:
        comparison, base_result, current_result = compared(store, load_warnings, base,
                                                           current)
    finally:
        store.close()
    # What either period's figures rest on (a load's warnings, a partial month prorated
    # in a store that keeps monthly totals only), the current period's first.
    said = current_result.warnings if current_result is not None else ()
    for warning in said:
        print(f"warning: {warning}", file=sys.stderr)
    for warning in base_result.warnings if base_result is not None else ():
        if warning not in said:
            print(f"warning: base period: {warning}", file=sys.stderr)
    summary = {"base": {"start": args.base[0].isoformat(), "end": args.base[1].isoformat()},
               "current": {"start": args.current[0].isoformat(),
                           "end": args.current[1].isoformat()},
               **comparison.summary()}
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    to_csv(comparison.export(), out / "compare.csv")
    (out / "compare_summary.json").write_text(json.dumps(summary, indent=2) + "\n",
                                              encoding="utf-8")
    counts = summary["customers"]
    print(f"profit {summary['profit_base']:,.2f} -> {summary['profit_current']:,.2f} "
          f"({summary['profit_change']:+,.2f}); {counts['retained']:,} retained, "
          f"{counts['new']:,} new, {counts['lost']:,} lost; wrote {out}")
    return EXIT_OK
