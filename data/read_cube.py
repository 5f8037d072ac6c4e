"""The cube of a report's store, aggregated while the files are read (issue 13 item 7).

``python -m analytics report DATA_DIR`` loads a folder into a store in memory, reads the
customer table of the whole span from it and throws it away. That read needs no invoice
lines, and no months either: per customer, the span's sums, the orders counted once,
and per customer and activity the volumes. So the importer reads the invoice lines and
the activity rows each in one typed, checked pass that aggregates as it reads
(``data/sql/read_aggregate_*.sql``: one row per customer and order, and per customer and
activity, dated or not) instead of writing a table of lines, and the commit defines the
cube's relations over those rows (``data/sql/read_cube_*.sql``: views, and the
customer-months a table of one "customer-month" per customer holding the span). The
figures are those of a store that keeps its lines, byte for byte in the report's files
(``tests/test_cli_lean.py``). Only the whole span may be read from such a store
(:meth:`data.queries.QueriesMixin.customer_base` refuses a period); a report of a
period loads the usual way.

It is a fast path, not a second importer: it runs only where the one typed read of
:meth:`data.importer.Importer._stage_fused` would, and it gives up
(:class:`AggregateDeclined`) at the first thing that needs the lines: a value a check
refuses, a row the CSV reader refuses, an empty money cell (taken as 0 with a warning),
an activity without a rate, extra columns, a recipe's options, any problem at all. The
loader then loads the files the usual way, which names every problem by file, line,
column and value exactly as before. A valid folder is read once; a folder with a problem
is read twice, as with the one typed read.

The store has no reference prices (their medians need every line): the price index is
not computed in it (NULL); the report does not read it.
"""

from __future__ import annotations

from data.catalog import read_sql
from data.cube import CUBE_BUILD, CUBE_TABLES, drop_relation, stamp
from data.problems import quote_ident

# The contract tables a report's store reads aggregated while read, and the name each
# aggregate is kept under in the store (the cube's views read it).
AGGREGATED = ("transactions", "activities")
KEPT_AS = {"transactions": "read_transactions", "activities": "read_activities"}

# Each cube table's definition over the aggregates, and the aggregate it reads (None:
# none).
READ_BUILD = (
    ("cube_reference_price", "read_cube_reference_price", None),
    ("cube_customer_month", "read_cube_customer_month", "transactions"),
    ("cube_order_month", "read_cube_order_month", "transactions"),
    ("cube_activity_month", "read_cube_activity_month", "activities"),
)
assert tuple(t for t, _, _ in READ_BUILD) == CUBE_TABLES, "one definition per cube table"


class AggregateDeclined(Exception):
    """The files cannot be aggregated while read (see the module docstring): load them
    the usual way."""


def build(cur, aggregates: dict[str, str]) -> None:
    """Inside the commit's transaction: the cube's relations over the staged aggregates
    (``aggregates``: contract table -> staged table, kept as :data:`KEPT_AS`): views
    read once by the report, and the customer-months as a table. A table with no
    aggregate (no activity file) gets the cube's own build over its live, empty table."""
    own = dict(CUBE_BUILD)
    for table in (*CUBE_TABLES, *KEPT_AS.values()):
        drop_relation(cur, table)
    for table, staged in aggregates.items():
        cur.execute(f"ALTER TABLE {quote_ident(staged)} RENAME TO {KEPT_AS[table]}")
    for table, sql_file, reads in READ_BUILD:
        if reads is None:
            cur.execute(f"CREATE TABLE {table} AS\n{read_sql(sql_file)}")
        elif reads in aggregates:
            cur.execute(read_sql(sql_file))
        else:  # no activity file: its (empty) cube table
            assert table == "cube_activity_month", "the lines are always aggregated"
            cur.execute(f"CREATE TABLE {table} AS\n{read_sql(own[table])}")
    stamp(cur)
