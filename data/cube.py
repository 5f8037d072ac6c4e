"""The customer-month cube (issue 13, item 1): what every page reads, at customer x month
grain, so the dashboard's cost stops growing with the number of invoice lines.

Four tables, built from the validated ``transactions`` and ``activities`` inside the
load's transaction (so they always match the lines of the same version):

- ``cube_reference_price`` (product_id, unit_price): a product's median net unit price
  over the whole dataset (the price index's reference);
- ``cube_customer_month`` (customer_id, month, list_revenue, net_revenue, cogs,
  invoice_lines, units, first_date, last_date, priced_revenue, reference_revenue): exact
  decimal sums, rounded to the cent only where a period is read;
- ``cube_order_month`` (customer_id, order_id, month, positive_value, positive_lines,
  lines): the order facts (orders counted, the minimum-order scenario's order values);
- ``cube_activity_month`` (customer_id, activity, month, quantity, first_date,
  last_date): driver volumes by month (month NULL for undated rows).

The build queries (``data/sql/cube_build_*.sql``) are plain, portable SQL reading the
relations ``transactions``, ``activities`` and ``reference_price``: the Spark engine
runs the same text. Here each is wrapped in ``CREATE TABLE … AS``.

A store built before the cube gets it once when opened (:func:`ensure`).
"""

from __future__ import annotations

import datetime as dt

from data.catalog import read_sql
from data.periods import MonthPlan, month_plan
from data.problems import quote_ident

# The cube's layout; a store whose cube is older (or missing) is rebuilt when opened.
# 2: cube_order_month.months.
CUBE_VERSION = 2

# The cube's tables in build order, each with its build file data/sql/<file>.sql: the
# reference prices first (the customer-month build joins them). The Spark engine runs
# the same files (data.engines).
CUBE_BUILD = (
    ("cube_reference_price", "cube_build_reference_price"),
    ("cube_customer_month", "cube_build_customer_month"),
    ("cube_order_month", "cube_build_order_month"),
    ("cube_activity_month", "cube_build_activity_month"),
)
CUBE_TABLES = tuple(table for table, _ in CUBE_BUILD)
# The relation name the build files read the reference prices under.
REFERENCE_VIEW = "reference_price"


def build(cur) -> None:
    """(Re)build the cube tables from the live ``transactions`` and ``activities``,
    inside the caller's transaction (a load's commit, or :func:`ensure`)."""
    for table in CUBE_TABLES:
        drop_relation(cur, table)
    for table, sql_file in CUBE_BUILD:
        sql = read_sql(sql_file)
        if table == "cube_customer_month":
            # The portable text reads a relation named reference_price.
            sql = f"WITH {REFERENCE_VIEW} AS (SELECT * FROM cube_reference_price)\n{sql}"
        cur.execute(f"CREATE TABLE {table} AS\n{sql}")
    stamp(cur)


def stamp(cur) -> None:
    """Record the cube's layout (:data:`CUBE_VERSION`) in the store, as every build of
    the cube's relations does last (:func:`build`, :func:`write`,
    :func:`data.line_cube.build`, :func:`data.read_cube.build`): :func:`needs_build`
    reads it.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> stamp(con)
    >>> con.execute("SELECT version FROM cube_version").fetchall() == [(CUBE_VERSION,)]
    True
    """
    cur.execute("CREATE OR REPLACE TABLE cube_version AS "
                f"SELECT {int(CUBE_VERSION)} AS version")


def write(cur, tables: dict) -> None:
    """Store a cube another engine built (table -> Arrow table, as :func:`build` makes
    them: the parity tests hold the types equal), inside the caller's transaction."""
    for table in CUBE_TABLES:
        drop_relation(cur, table)
        cur.register("_cube_arrow", tables[table])
        try:
            cur.execute(f"CREATE TABLE {table} AS SELECT * FROM _cube_arrow")
        finally:
            cur.unregister("_cube_arrow")
    stamp(cur)


# The statement that drops each kind of relation (data/sql/relation_kind.sql).
_DROP = {"TABLE": "DROP TABLE", "VIEW": "DROP VIEW"}


def drop_relation(cur, name: str) -> None:
    """Drop the table or view ``name`` of the store's current schema, whichever it is
    (nothing if there is none).

    The cube's relations are tables in one store (:func:`build`, :func:`write`) and views
    in another (:mod:`data.line_cube`, :mod:`data.read_cube`), and a store loaded again
    may switch; DuckDB refuses ``DROP VIEW IF EXISTS`` on a table and ``DROP TABLE IF
    EXISTS`` on a view, so every build drops through this. Temporary relations (the
    period views) are not looked at.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT 1 AS a")
    >>> _ = con.execute("CREATE VIEW v AS SELECT 1 AS a")
    >>> for name in ("t", "v", "absent"):
    ...     drop_relation(con, name)
    >>> con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchall()
    [(0,)]
    >>> con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'v'").fetchall()
    [(0,)]
    """
    rows = cur.execute(read_sql("relation_kind"), {"name": name}).fetchall()
    if rows:
        cur.execute(f"{_DROP[rows[0][0]]} {quote_ident(name)}")


def missing(cur) -> list[str]:
    """The cube tables the store file lacks (all of them for a store built before the
    cube)."""
    live = {row[0] for row in cur.execute(read_sql("live_tables")).fetchall()}
    return [t for t in CUBE_TABLES if t not in live]


def needs_build(cur) -> bool:
    """Whether the store holds lines (a dataset was loaded) but not the whole cube, or a
    cube of an older layout (:data:`CUBE_VERSION`)."""
    live = {row[0] for row in cur.execute(read_sql("live_tables")).fetchall()}
    if "transactions" not in live or "activities" not in live:
        return False
    if any(t not in live for t in CUBE_TABLES) or "cube_version" not in live:
        return True
    return cur.execute(read_sql("cube_version")).fetchall() != [(CUBE_VERSION,)]


def ensure(cur) -> bool:
    """Build the cube once in a store loaded before it existed (a migration), in a write
    transaction of its own. True when it was built."""
    if not needs_build(cur):
        return False
    if not lines_kept(cur):
        from data.catalog import StoreError

        raise StoreError(
            "this store keeps monthly totals only (no invoice lines), summarised by an "
            "older version of ProfitLens in a layout this one cannot read: load the "
            "dataset into it again")
    cur.execute("BEGIN TRANSACTION")
    try:
        build(cur)
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    return True


PERIOD_VIEWS = ("period_customer_month", "period_order_month", "period_activity_month")
# What the period views read instead of the lines in a store that does not keep them
# (it may not have the tables at all): empty relations of the columns they use.
NO_LINES = ("(SELECT NULL::VARCHAR AS customer_id, NULL::DATE AS date, "
            "NULL::VARCHAR AS order_id, NULL::VARCHAR AS product_id, "
            "NULL::DOUBLE AS quantity, NULL::DECIMAL(18,4) AS net_revenue, "
            "NULL::DECIMAL(18,4) AS list_revenue, NULL::DECIMAL(18,4) AS cogs WHERE FALSE)")
NO_ACTIVITY = ("(SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS activity, "
               "NULL::DOUBLE AS quantity, NULL::DATE AS date WHERE FALSE)")


def _literal(value) -> str:
    """A SQL literal for a value of the month plan (dates, floats, booleans, None) -
    never user text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, float):
        return f"{value!r}::double"
    raise TypeError(f"not a month plan value: {value!r}")


def period_views(cur, start: dt.date | None, end: dt.date | None,
                 lines_kept: bool = True) -> MonthPlan:
    """Create the period's temp views on ``cur`` (``period_customer_month``,
    ``period_order_month``, ``period_activity_month``: see their SQL) for the period
    [start, end] (either may be None: open), and return its month plan."""
    plan = month_plan(start, end)
    edges = list(plan.edges) + [None] * (2 - len(plan.edges))
    values = {"whole_from": plan.whole_from, "whole_to": plan.whole_to,
              "lines_kept": bool(lines_kept), "has_edges": bool(plan.edges)}
    for i, edge in enumerate(edges, start=1):
        values[f"edge{i}_month"] = edge.month if edge else None
        values[f"edge{i}_start"] = edge.start if edge else None
        values[f"edge{i}_end"] = edge.end if edge else None
        values[f"edge{i}_weight"] = edge.weight if edge else None
    literals = {k: _literal(v) for k, v in values.items()}
    # Typed NULLs, so the unions agree on the columns' types.
    for key, value in values.items():
        if value is None:
            kind = "double" if key.endswith("weight") else "date"
            literals[key] = f"NULL::{kind}"
    literals["transactions"] = "transactions" if lines_kept else NO_LINES
    literals["activities"] = "activities" if lines_kept else NO_ACTIVITY
    for view in PERIOD_VIEWS:
        cur.execute(read_sql(view).format(**literals))
    return plan


def lines_kept(cur) -> bool:
    """Whether the store keeps the invoice lines besides the cube (NULL, a store loaded
    before the cube: it did)."""
    rows = cur.execute(read_sql("dataset_lines_kept")).fetchall()
    return not rows or rows[0][0] is not False
