"""``python -m analytics``: the command line (wires ``data`` and ``analytics`` together).

Exit status: 0 on success, 2 on invalid input (one line per problem on stderr),
1 on any other failure. Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2


class InvalidInput(Exception):
    """Input the user must fix; printed as is, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors are invalid input too
        self.print_usage(sys.stderr)
        raise InvalidInput(f"{self.prog}: {message}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a date (YYYY-MM-DD)') from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analytics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sample = commands.add_parser("sample", help="write the sample dataset as import files")
    sample.add_argument("out_dir", type=Path)
    sample.add_argument("--customers", type=int, default=2000)
    sample.add_argument("--seed", type=int, default=7)

    load = commands.add_parser("load", help="validate a dataset folder and load it atomically")
    load.add_argument("data_dir", type=Path)
    load.add_argument(
        "--db", help="database file (default: PROFITLENS_DB or data/profitlens.duckdb)"
    )

    report = commands.add_parser("report", help="write the customer P&L, whale curve and summary")
    report.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    report.add_argument("--db", help="report on the dataset loaded in this database")
    report.add_argument("--out", type=Path, required=True, help="folder for the report files")
    report.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    report.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")
    report.add_argument("--thresholds", choices=("median", "mean"), default="median",
                        help="where the quadrant map is split (default: median)")
    report.add_argument("--margin-threshold", type=float, metavar="PCT",
                        help="custom net margin % split (with --cts-threshold)")
    report.add_argument("--cts-threshold", type=float, metavar="PCT",
                        help="custom cost-to-serve % split (with --margin-threshold)")
    return parser


def _progress(fraction: float, text: str) -> None:
    print(f"  {fraction * 100:5.1f} %  {text}", file=sys.stderr)


def cmd_sample(args) -> int:
    from data.sample import write_sample

    if args.customers < 1:
        raise InvalidInput("--customers must be at least 1")
    rows = write_sample(args.out_dir, customers=args.customers, seed=args.seed)
    for table, count in rows.items():
        print(f"{table}: {count:,} rows")
    print(f"wrote {args.out_dir}")
    return EXIT_OK


def cmd_load(args) -> int:
    from data import Store

    store = Store(args.db)
    try:
        result = store.load_folder(args.data_dir)
    finally:
        store.close()
    for table, count in result.rows.items():
        print(f"{table}: {count:,} rows")
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(f"loaded into {store.path} (version {result.version})")
    return EXIT_OK


def cmd_report(args) -> int:
    from analytics.analysis import analyse
    from analytics.breakdown import breakdown
    from analytics.export import to_csv
    from data import Store

    if (args.data_dir is None) == (args.db is None):
        raise InvalidInput("report needs a dataset folder or --db PATH (one of them)")
    custom = (args.margin_threshold, args.cts_threshold)
    if (custom[0] is None) != (custom[1] is None):
        raise InvalidInput("--margin-threshold and --cts-threshold go together")
    if args.start and args.end and args.start > args.end:
        raise InvalidInput(f"--start {args.start} is after --end {args.end}")
    if args.db is not None:
        if not Path(args.db).exists():
            raise InvalidInput(f"{args.db}: no such database")
        store = Store(args.db)
        if not store.has_dataset():
            store.close()
            raise InvalidInput(f"{args.db}: holds no dataset (run: python -m analytics load DIR)")
        load_warnings: tuple[str, ...] = store.info().warnings
    else:
        store = Store(":memory:")
        load_warnings = store.load_folder(args.data_dir).warnings
    try:
        base = store.customer_base(args.start, args.end)
    finally:
        store.close()
    if base.customers.empty:
        raise InvalidInput("no customer has invoice lines or activity in the chosen period")
    analysis = analyse(
        base.customers,
        base.volumes,
        base.rates,
        base.resources,
        period_fraction=base.period_fraction,
        capacity_volume=base.period_volume,
        method="custom" if custom[0] is not None else args.thresholds,
        net_margin_pct=custom[0],
        cost_to_serve_pct=custom[1],
        warnings=load_warnings + base.warnings,
    )
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    to_csv(analysis.pnl_export(), out / "customer_pnl.csv")
    to_csv(analysis.whale_export(), out / "whale.csv")
    if not analysis.capacity.empty:
        to_csv(analysis.capacity_export(), out / "capacity.csv")
    for attribute, file_name in (("segment", "segments.csv"), ("region", "regions.csv")):
        if attribute in analysis.pnl.columns and analysis.pnl[attribute].notna().any():
            to_csv(breakdown(analysis.pnl, attribute), out / file_name)
    summary = analysis.summary()
    summary["period"] = {
        "start": args.start.isoformat() if args.start else None,
        "end": args.end.isoformat() if args.end else None,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(
        f"{summary['customers']:,} customers, net revenue {summary['net_revenue']:,.2f}, "
        f"operating profit {summary['profit']:,.2f}; wrote {out}"
    )
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


COMMANDS = {"sample": cmd_sample, "load": cmd_load, "report": cmd_report}


def main(argv: list[str] | None = None) -> int:
    from data import DatasetError, StoreError

    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # the promise: never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
