"""``python -m analytics pack``: the board pack of a period as a PDF (issue 12).

Wiring, like :mod:`analytics.cli` (whose error conventions it follows: invalid input is
one line on stderr and exit status 2): the dataset and the saved scenarios come from
``data/``, every figure from :mod:`analytics`, the pages from :mod:`analytics.pack`
(printed by headless Chromium, :mod:`analytics.pack.render`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from analytics.cli import (
    EXIT_FAILURE,
    EXIT_OK,
    InvalidInput,
    _analyse,
    _date,
    _one_source,
    _open_dataset,
    _recipe_option,
    customer_base,
    selection_of,
)
from analytics.cli_compare import period_spec
from analytics.selection import Selection


def add_parser(commands) -> None:
    """The ``pack`` subcommand, on the subparsers of :func:`analytics.cli.build_parser`."""
    parser = commands.add_parser(
        "pack", help="the board pack: a few landscape pages of the period as a PDF")
    parser.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    parser.add_argument("--db", help="use the dataset loaded in this database")
    _recipe_option(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf",
                        help="the PDF to write")
    parser.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    parser.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")
    parser.add_argument("--compare", type=period_spec, metavar="START:END",
                        help="compare with this period: changes on the headline figures "
                        "and the period bridge (e.g. 2023-01-01:2023-12-31)")
    parser.add_argument("--scenario", action="append", default=[], metavar="NAME",
                        help="a saved pricing scenario to add (its bridge and who pays "
                        "more); repeat for more")


def _check_out(out: Path) -> None:
    """The PDF can be written where asked: a .pdf name in an existing folder."""
    if out.is_dir():
        raise InvalidInput(f"--out {out}: is a folder; name a .pdf file")
    if out.suffix.lower() != ".pdf":
        raise InvalidInput(f"--out {out}: the board pack is a PDF; name a .pdf file")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InvalidInput(f"--out {out}: cannot be written (permission denied)")


def _scenarios(store, names: list[str]):
    """The saved scenarios ``names`` (:class:`analytics.scenario.Scenario`), in order."""
    from analytics.scenario import Scenario

    saved = [name for name, _ in store.scenarios()] if names else []
    chosen = []
    for name in dict.fromkeys(names):
        definition = store.load_scenario(name)
        if definition is None:
            known = ", ".join(saved) if saved else "none saved in this dataset's store"
            raise InvalidInput(f"--scenario: no saved scenario named {name!r} (saved: {known})")
        try:
            chosen.append(Scenario.from_dict(definition).renamed(name))
        except (TypeError, ValueError, KeyError) as exc:
            raise InvalidInput(f"--scenario {name!r}: cannot be read: {exc}") from None
    return chosen


def gather(args, selection: Selection):
    """Read everything the pack shows from the dataset of ``args``: the dataset's name,
    first and last dates and notes (partial months prorated), the selection's analysis
    and customer table, the comparison period's analysis (or None), the chosen saved
    scenarios and, per minimum order value they set, the order sizes; the store is
    closed on return."""
    from data.store import OrderIdsMissing

    store, load_warnings = _open_dataset(args)
    try:
        info = store.info()
        dataset = info.source
        if selection.has_comparison:
            from analytics.compare import overlap

            period = (selection.start or info.first_date, selection.end or info.last_date)
            if overlap((selection.compare_start, selection.compare_end), period):
                raise InvalidInput(
                    f"--compare {selection.compare_start}:{selection.compare_end} overlaps the "
                    f"pack's period ({period[0]} to {period[1]}): compare with a period that "
                    "shares no day (set --start and --end)")
        scenarios = _scenarios(store, args.scenario)
        base = customer_base(store, selection)
        if base.customers.empty:
            raise InvalidInput("no customer has invoice lines or activity in the chosen period")
        before = None
        if selection.has_comparison:
            table = customer_base(store, selection.with_period(selection.compare_start,
                                                               selection.compare_end))
            before = _analyse(table, load_warnings, selection) if not (
                table.customers.empty) else None
        orders = {}
        for scenario in scenarios:
            minimum = scenario.minimum_order_value
            if minimum and minimum not in orders:
                try:
                    orders[minimum] = store.order_sizes(minimum, **selection.store_args())
                except OrderIdsMissing as exc:
                    raise InvalidInput(f"--scenario {scenario.name!r}: {exc}") from None
    finally:
        store.close()
    notes = ()
    if not info.lines_kept:  # a store that keeps monthly totals only: what is prorated
        from data.periods import proration_notes

        notes = proration_notes(selection.start, selection.end, (
            selection.compare_start, selection.compare_end)
            if selection.has_comparison else None)
    return ((dataset, (info.first_date, info.last_date), notes), base,
            _analyse(base, load_warnings, selection), before, scenarios, orders)


def build_pack(args):
    """The :class:`analytics.pack.Pack` of ``args`` (checked), ready to print."""
    from analytics.pack import Pack
    from analytics.scenario import ScenarioBase

    _one_source(args, "pack")
    _check_out(args.out)
    selection = selection_of(args)
    if args.compare is not None:
        selection = selection.with_comparison(*args.compare)
    (dataset, span, notes), base, analysis, before, scenarios, orders = gather(args,
                                                                              selection)
    results = []
    for scenario in scenarios:
        minimum = scenario.minimum_order_value or None
        model = ScenarioBase.build(analysis, base.volumes, orders.get(minimum), minimum)
        try:
            results.append(model.run(scenario))
        except (ValueError, KeyError) as exc:
            raise InvalidInput(f"--scenario {scenario.name!r}: {exc}") from None
    comparison = None
    if selection.has_comparison:  # as the Overview: an empty base period, all are new
        from analytics.compare import compare_periods

        comparison = compare_periods(analysis.pnl.iloc[:0] if before is None else before.pnl,
                                     analysis.pnl)
        if before is None:
            print("note: no customer has invoice lines or activity in the comparison "
                  "period: the headline figures show no change", file=sys.stderr)
    return Pack(dataset, selection, analysis, base=before, comparison=comparison,
                scenarios=tuple(results),
                currency=os.environ.get("PROFITLENS_CURRENCY", "$"),
                data_span=span, notes=notes), analysis.warnings


def cmd_pack(args) -> int:
    from analytics.metrics import format_money
    from analytics.pack import PackError, render_pack

    pack, warnings = build_pack(args)
    try:
        pdf = render_pack(pack)
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    args.out.write_bytes(pdf)
    profit = pack.analysis.totals()["profit"]
    print(f"{len(pack.analysis.pnl):,} customers, operating profit "
          f"{format_money(profit, pack.currency)}; "
          f"{len(pack.scenarios)} scenario(s); wrote {args.out} ({len(pdf) / 1024:,.0f} KiB)")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK
