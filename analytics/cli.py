"""``python -m analytics``: the command line (wires ``data`` and ``analytics`` together).

Exit status: 0 on success, 2 on invalid input (one line per problem on stderr),
1 on any other failure. Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path

from analytics.selection import Selection

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


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f'"{text}" is not a number')
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analytics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sample = commands.add_parser("sample", help="write the sample dataset as import files")
    sample.add_argument("out_dir", type=Path)
    sample.add_argument("--customers", type=int, default=2000)
    sample.add_argument("--seed", type=int, default=7)

    load = commands.add_parser("load", help="validate a dataset folder and load it atomically")
    load.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --recipe)")
    _recipe_option(load)
    load.add_argument(
        "--db", help="database file (default: PROFITLENS_DB or data/profitlens.duckdb)"
    )
    _engine_options(load)
    load.add_argument("--lines", choices=("keep", "drop"),
                      help="keep the invoice lines in the store besides its monthly totals "
                      "(keep: the DuckDB engine's default; a period's partial months are "
                      "exact) or drop them (a store the size of its customer-months; "
                      "partial months prorated by days; the Spark engine always drops)")

    report = commands.add_parser("report", help="write the customer P&L, whale curve and summary")
    report.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    report.add_argument("--db", help="report on the dataset loaded in this database")
    _recipe_option(report)
    _engine_options(report)
    report.add_argument("--out", type=Path, required=True, help="folder for the report files")
    report.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    report.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")
    report.add_argument("--thresholds", choices=("median", "mean"), default="median",
                        help="where the quadrant map is split (default: median)")
    report.add_argument("--margin-threshold", type=_finite, metavar="PCT",
                        help="custom net margin %% split (with --cts-threshold)")
    report.add_argument("--cts-threshold", type=_finite, metavar="PCT",
                        help="custom cost-to-serve %% split (with --margin-threshold)")
    report.add_argument("--rate-uncertainty", metavar="PCT",
                        help="add each customer's robustness to rate errors of ±PCT %% "
                        "(0 to 100)")
    report.add_argument("--monte-carlo", metavar="N", help="with --rate-uncertainty: N "
                        "random draws of rate errors give each customer's p_unprofitable")
    report.add_argument("--seed", metavar="S", help="seed of --monte-carlo (default: 0)")
    scenario = commands.add_parser(
        "scenario", help="apply a pricing scenario (a service menu) to every customer"
    )
    scenario.add_argument("data_dir", type=Path, nargs="?", help="dataset folder (or use --db)")
    scenario.add_argument("--db", help="use the dataset loaded in this database")
    _recipe_option(scenario)
    scenario.add_argument("--menu", type=Path, required=True, metavar="MENU_FILE",
                          help="CSV: activity, fee_per_unit, usage_response_pct"
                          "[, rate_change_pct]")
    scenario.add_argument("--out", type=Path, required=True, help="folder for the result files")
    scenario.add_argument("--name", help="the scenario's name (default: the menu file's name)")
    scenario.add_argument("--start", type=_date, help="first invoice date included (YYYY-MM-DD)")
    scenario.add_argument("--end", type=_date, help="last invoice date included (YYYY-MM-DD)")
    scenario.add_argument("--core-price-change", type=_number, default=0.0, metavar="PCT",
                          help="change of the core price in %% (negative when unbundling)")
    scenario.add_argument("--capacity-follows-usage", choices=("yes", "no"), default="no",
                          help="does usage given up save its cost? (default: no, it stays "
                          "as unused capacity)")
    scenario.add_argument("--volume-elasticity", type=_number, default=0.0, metavar="E",
                          help="core volume response: %% volume per 1 %% price (e.g. -1.5)")
    scenario.add_argument("--defection", type=_number, default=0.0, metavar="PCT",
                          help="expected share of the at-risk customers' business lost")
    scenario.add_argument("--at-risk", type=_number, default=10.0, metavar="PCT",
                          help="bill increase in %% above which a customer is at risk "
                          "(default: 10)")
    scenario.add_argument("--min-order-value", type=_number, metavar="V",
                          help="minimum order value (needs order_id in transactions)")
    scenario.add_argument("--small-order-fee", type=_number, metavar="S",
                          help="surcharge per order below the minimum (default: 0)")
    scenario.add_argument("--consolidation", type=_number, metavar="PCT",
                          help="%% of small orders consolidated into larger ones (default: 0)")
    scenario.add_argument("--order-activity", metavar="NAME",
                          help="the activity that counts orders (default: guessed from names)")
    from analytics.cli_exit import add_parser as add_exit_parser  # it imports this module

    add_exit_parser(commands)
    from analytics.cli_portfolio import add_parser as add_portfolio_parser

    add_portfolio_parser(commands)
    from analytics.cli_compare import add_parser as add_compare_parser

    add_compare_parser(commands)
    from analytics.cli_pack import add_parser as add_pack_parser

    add_pack_parser(commands)
    return parser


def _recipe_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recipe", type=Path, metavar="RECIPE",
                        help="a recipe (TOML) naming the files and how to read them, "
                        "instead of a dataset folder")


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=("duckdb", "spark"),
                        help="what reads the invoice lines and builds the monthly totals: "
                        "DuckDB (default, embedded; or what a recipe's [source] says) or "
                        "Apache Spark (needs requirements-spark.txt and Java)")
    parser.add_argument("--spark-master", metavar="URL",
                        help="with --engine spark: local[*] (default), a cluster master "
                        "(spark://host:7077, yarn) or Spark Connect (sc://host:15002)")


def _engine_loader(args, recipe):
    """The load ``args`` ask for (engine, master, lines), as ``store -> LoadResult``."""
    from data.engines.load import loader, resolved_engine

    lines = getattr(args, "lines", None)
    engine = resolved_engine(args.engine, recipe)  # a recipe may say engine = "spark"
    if args.spark_master is not None and engine != "spark":
        raise InvalidInput("--spark-master goes with --engine spark")
    if engine == "spark" and lines == "keep":
        raise InvalidInput("--lines keep: the Spark engine keeps no invoice lines in the "
                           "store, only their monthly totals (use --engine duckdb)")
    if engine == "spark" and args.data_dir is not None and not args.data_dir.is_dir():
        raise InvalidInput(f"{args.data_dir}: is not a folder")
    return loader(engine=engine, folder=args.data_dir if recipe is None else None,
                  recipe=recipe, master=args.spark_master, keep_lines=lines != "drop")


def _one_source(args, command: str, *, db_counts: bool = True) -> None:
    """Exactly one of a dataset folder, --recipe (and --db, where it names the input)."""
    given = [args.data_dir is not None, args.recipe is not None]
    if db_counts:
        given.append(args.db is not None)
    if sum(given) != 1:
        either = "a dataset folder, --recipe RECIPE or --db PATH" if db_counts else (
            "a dataset folder or --recipe RECIPE")
        raise InvalidInput(f"{command} needs {either} (one of them)")


def _read_recipe(path: Path):
    from data.recipe import read_recipe

    return read_recipe(path)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a number') from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f'"{text}" is not a finite number')
    return value


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
    from data import Store, db_path

    _one_source(args, "load", db_counts=False)
    recipe = _read_recipe(args.recipe) if args.recipe is not None else None
    # A new version of the store, made current when complete: a running dashboard on the
    # store keeps serving the old one and moves to it on its next rerun.
    result = Store.load_new_version(args.db, _engine_loader(args, recipe))
    for table, count in result.rows.items():
        print(f"{table}: {count:,} rows")
    for warning in result.warnings:
        print(f"warning: {warning}")
    if not result.lines_kept:
        print("the store keeps the monthly totals only, not the invoice lines (a period's "
              "partial months are prorated by days)")
    print(f"loaded into {args.db or db_path()} (version {result.version})")
    return EXIT_OK


def _open_dataset(args, *, cube_as_views: bool = False, whole_span: bool = False):
    """The store holding the dataset of ``args`` (a folder, ``--recipe`` or ``--db``), and
    its warnings. ``cube_as_views``: a folder or recipe loaded for one read of the
    customer table (the report) gets the cube as views over its lines
    (:mod:`data.line_cube`), not built; and when that read is of the ``whole_span``, a
    plain folder is aggregated while read (:mod:`data.read_cube`)."""
    from data import Store
    from data.versions import exists

    if args.db is not None:
        if not exists(args.db):
            raise InvalidInput(f"{args.db}: no such database")
        store = Store(args.db)
        if not store.has_dataset():
            store.close()
            raise InvalidInput(f"{args.db}: holds no dataset (run: python -m analytics load DIR)")
        return store, store.info().warnings
    recipe = _read_recipe(args.recipe) if args.recipe is not None else None
    load = _engine_loader(args, recipe) if hasattr(args, "engine") else None
    store = Store(":memory:")
    store.cube_as_views = cube_as_views
    store.aggregate_on_read = cube_as_views and whole_span
    try:
        if load is not None:
            return store, load(store).warnings
        if recipe is not None:
            return store, store.load_recipe(recipe).warnings
        return store, store.load_folder(args.data_dir).warnings
    except BaseException:
        store.close()
        raise


def cmd_report(args) -> int:
    from analytics import robustness
    from analytics.breakdown import breakdown
    from analytics.export import to_csv

    _one_source(args, "report")
    custom = (args.margin_threshold, args.cts_threshold)
    if (custom[0] is None) != (custom[1] is None):
        raise InvalidInput("--margin-threshold and --cts-threshold go together")
    selection = selection_of(args).with_thresholds(
        "custom" if custom[0] is not None else args.thresholds, *custom)
    uncertainty, draws, seed = args.rate_uncertainty, args.monte_carlo, args.seed
    if uncertainty is not None:
        try:
            uncertainty = robustness.check_pct(uncertainty)
        except ValueError as exc:
            raise InvalidInput(f"--rate-uncertainty {exc}") from None
    if draws is not None and uncertainty is None:
        raise InvalidInput("--monte-carlo needs --rate-uncertainty")
    if seed is not None and draws is None:
        raise InvalidInput("--seed goes with --monte-carlo")
    if draws is not None and not (draws.isdigit() and int(draws) >= 1):
        raise InvalidInput(f"--monte-carlo must be a whole number of draws, 1 or more, not {draws}")
    if seed is not None and not seed.isdigit():
        raise InvalidInput(f"--seed must be a whole number, 0 or more, not {seed}")
    _, analysis = analysed(args, selection, cube_as_views=True)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    pnl = analysis.pnl_export()
    if uncertainty is not None:  # the new columns come last: existing ones keep their place
        classes = robustness.classify_robustness(analysis.pnl, uncertainty)
        pnl["robustness"] = classes.reindex(pnl["customer_id"]).to_numpy()
        chance = None if draws is None else robustness.unprofitable_probability(
            analysis.pnl, uncertainty, int(draws), int(seed or 0))
        if chance is not None:
            pnl["p_unprofitable"] = chance.reindex(pnl["customer_id"]).to_numpy()
    to_csv(pnl, out / "customer_pnl.csv")
    to_csv(analysis.whale_export(), out / "whale.csv")
    if not analysis.capacity.empty:
        to_csv(analysis.capacity_export(), out / "capacity.csv")
    for attribute, file_name in (("segment", "segments.csv"), ("region", "regions.csv")):
        if attribute in analysis.pnl.columns and analysis.pnl[attribute].notna().any():
            to_csv(breakdown(analysis.pnl, attribute), out / file_name)
    summary = analysis.summary()
    summary["period"] = period_summary(selection)
    if uncertainty is not None:
        summary["robustness"] = robustness.robustness_summary(
            classes, analysis.pnl["profit"], uncertainty, chance,
            None if draws is None else int(draws), None if draws is None else int(seed or 0))
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(
        f"{summary['customers']:,} customers, net revenue {summary['net_revenue']:,.2f}, "
        f"operating profit {summary['profit']:,.2f}; wrote {out}"
    )
    if uncertainty is not None:
        counts = summary["robustness"]
        print(f"rates ±{uncertainty:g}%: {counts['robust_profitable']:,} robust profitable, "
              f"{counts['robust_unprofitable']:,} robust unprofitable, "
              f"{counts['sensitive']:,} sensitive")
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


MENU_REQUIRED = ("activity", "fee_per_unit", "usage_response_pct")


def read_menu(path: Path, activities) -> tuple:
    """The menu items of a menu CSV, checked against the dataset's ``activities``.

    Headers in any case and order; comma or semicolon delimited; an empty number counts
    as 0. The rows are read by the one menu parser
    (:func:`analytics.scenario.parse_menu`, which the Pricing page uses too). Raises
    :class:`data.DatasetError` with one problem per bad cell, naming the file, line (the
    header is line 1), column and value.
    """
    import csv

    from analytics.scenario import MENU_FIELDS, parse_menu
    from data import DatasetError, Problem

    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such menu file") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{name}: is not a UTF-8 text file") from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DatasetError([Problem(name, "is empty: it needs a header line with "
                                    + ", ".join(MENU_REQUIRED))])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in MENU_REQUIRED if c not in header]
    if missing:
        raise DatasetError([Problem(name, f"lacks column(s): {', '.join(missing)}", line=1)])
    position = {c: header.index(c) for c in MENU_FIELDS if c in header}
    cells = [{c: row[i] for c, i in position.items() if i < len(row)} for row in rows[1:]]
    parsed = parse_menu(cells, activities, first_line=2)
    if parsed.problems:
        raise DatasetError([Problem(name, p.message, p.line, p.column, p.value)
                            for p in parsed.problems])
    return parsed.items


def cmd_scenario(args) -> int:
    from analytics.export import to_csv
    from analytics.scenario import Scenario, ScenarioBase, guess_order_activity
    from data.store import OrderIdsMissing

    _one_source(args, "scenario")
    selection = selection_of(args)
    small_order_options = {
        "--small-order-fee": args.small_order_fee,
        "--consolidation": args.consolidation,
        "--order-activity": args.order_activity,
    }
    minimum = args.min_order_value
    if minimum is None:
        given = [option for option, value in small_order_options.items() if value is not None]
        if given:
            verb = "needs" if len(given) == 1 else "need"
            raise InvalidInput(f"{' and '.join(given)} {verb} --min-order-value")
    elif minimum <= 0:
        raise InvalidInput("--min-order-value must be greater than 0")
    if args.core_price_change <= -100:
        raise InvalidInput("--core-price-change must be above -100")
    if args.small_order_fee is not None and args.small_order_fee < 0:
        raise InvalidInput("--small-order-fee must be 0 or more")
    if args.consolidation is not None and not 0 <= args.consolidation <= 100:
        raise InvalidInput("--consolidation must be between 0 and 100")
    if not args.menu.is_file():
        raise InvalidInput(f"{args.menu}: no such menu file")
    store, load_warnings = _open_dataset(args)
    try:
        base = customer_base(store, selection)
        orders = None
        if minimum is not None and not base.customers.empty:
            try:
                orders = store.order_sizes(minimum, **selection.store_args())
            except OrderIdsMissing as exc:
                raise InvalidInput(f"--min-order-value: {exc}") from None
    finally:
        store.close()
    if base.customers.empty:
        raise InvalidInput("no customer has invoice lines or activity in the chosen period")
    activities = base.rates["activity"].astype(str).tolist()
    menu = read_menu(args.menu, activities)
    order_activity = args.order_activity
    if order_activity is not None and order_activity not in activities:
        raise InvalidInput(f'--order-activity: "{order_activity}" is not an activity of the '
                           f"dataset (known: {', '.join(activities)})")
    if minimum is not None and order_activity is None:
        order_activity = guess_order_activity(activities)
        if order_activity is None and args.consolidation:
            raise InvalidInput("--consolidation: no activity looks like it counts orders; "
                               "name it with --order-activity")
    try:
        scenario = Scenario(
            name=args.name or args.menu.stem,
            menu=menu,
            core_price_change_pct=args.core_price_change,
            minimum_order_value=minimum or 0.0,
            small_order_fee=args.small_order_fee or 0.0,
            consolidation_pct=args.consolidation or 0.0,
            order_activity=order_activity,
            capacity_follows_usage=args.capacity_follows_usage == "yes",
            at_risk_pct=args.at_risk,
            core_volume_elasticity=args.volume_elasticity,
            at_risk_defection_pct=args.defection,
        )
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    analysis = _analyse(base, load_warnings, selection)
    result = ScenarioBase.build(analysis, base.volumes, orders, minimum).run(scenario)
    summary = result.summary()
    summary["period"] = period_summary(selection)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    to_csv(result.pnl_export(), out / "scenario_pnl.csv")
    (out / "scenario_summary.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"{scenario.name}: operating profit {summary['profit_before']:,.2f} -> "
        f"{summary['profit_after']:,.2f}; {summary['customers_paying_more']:,} of "
        f"{summary['customers']:,} customers pay more, {summary['customers_at_risk']:,} "
        f"at risk; wrote {out}"
    )
    if not result.menu_check.consistent:
        print(f"warning: {result.menu_check.note}", file=sys.stderr)
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def selection_of(args) -> Selection:
    """The one :class:`Selection` of a command, from ``--start``/``--end`` (thresholds
    are added by the commands that take them)."""
    if args.start and args.end and args.start > args.end:
        raise InvalidInput(f"--start {args.start} is after --end {args.end}")
    return Selection(args.start, args.end)


def customer_base(store, selection: Selection):
    """The store's per-customer table (``data.CustomerBase``) under ``selection``: the
    one place the CLI unpacks a Selection into the store's filter arguments."""
    return store.customer_base(**selection.store_args())


def period_summary(selection: Selection) -> dict:
    """The period as the summary files state it."""
    return {"start": selection.start.isoformat() if selection.start else None,
            "end": selection.end.isoformat() if selection.end else None}


def _analyse(base, load_warnings: tuple[str, ...], selection: Selection | None = None):
    """The analysis of a customer table (``data.CustomerBase``) under the selection's
    thresholds, its load warnings kept (:func:`analytics.analysis.analyse_base`)."""
    from analytics.analysis import analyse_base

    return analyse_base(base, selection, load_warnings)


def analysed(args, selection: Selection, *, cube_as_views: bool = False):
    """The customer table (``data.CustomerBase``) of the dataset of ``args`` under
    ``selection`` and its analysis (the store opened, read and closed); no customer in
    the period is invalid input (``cube_as_views``: see :func:`_open_dataset`)."""
    whole_span = selection.start is None and selection.end is None
    store, load_warnings = _open_dataset(args, cube_as_views=cube_as_views,
                                         whole_span=whole_span)
    try:
        base = customer_base(store, selection)
    finally:
        store.close()
    if base.customers.empty:
        raise InvalidInput("no customer has invoice lines or activity in the chosen period")
    return base, _analyse(base, load_warnings, selection)


def cmd_exit(args) -> int:
    from analytics.cli_exit import cmd_exit as run  # it imports this module

    return run(args)


def cmd_portfolio(args) -> int:
    from analytics.cli_portfolio import cmd_portfolio as run  # it imports this module

    return run(args)


def cmd_compare(args) -> int:
    from analytics.cli_compare import cmd_compare as run  # it imports this module

    return run(args)


def cmd_pack(args) -> int:
    from analytics.cli_pack import cmd_pack as run  # it imports this module

    return run(args)


COMMANDS = {"sample": cmd_sample, "load": cmd_load, "report": cmd_report,
            "scenario": cmd_scenario, "exit": cmd_exit, "portfolio": cmd_portfolio,
            "compare": cmd_compare, "pack": cmd_pack}


def main(argv: list[str] | None = None) -> int:
    from data import DatasetError, StoreError

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
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
    except Exception as exc:  # the promise: never a traceback, unless asked for
        if debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: {type(exc).__name__}: {first} (run with --debug for the details)",
              file=sys.stderr)
        return EXIT_FAILURE
