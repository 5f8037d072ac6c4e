"""The customer-month cube as views over the lines, for a store that lives for one report.

``python -m analytics report DATA_DIR`` loads the folder into a store in memory, reads
one period's customer table from it and throws it away. Building the cube's tables
(:mod:`data.cube`) costs that report as much as reading and validating the files (issue
13 item 7), for one read. So such a store defines the cube's relations as views over its
lines instead (``data/sql/line_cube_*.sql``): one row per invoice line or activity row
rather than per month. Every query of a period (the period views of :mod:`data.cube`
and the customer table read from them) sums, counts or takes the min and max per
customer, order or activity, so it gives the same figures as the built cube (money
exact: decimal sums, rounded per customer), and DuckDB computes only the columns read.
Orders are counted by distinct id (``months`` is NULL on every row). The reference
prices are a view of their build query, computed only if read; the price index's
columns of the customer-months raise when read (the report does not read them).

The store keeps its lines (a period's partial months are read from them, exactly).

>>> import duckdb
>>> con = duckdb.connect()
>>> _ = con.execute("CREATE TABLE transactions (customer_id VARCHAR, date DATE, "
...                 "order_id VARCHAR, product_id VARCHAR, quantity DOUBLE, "
...                 "net_revenue DECIMAL(18,4), list_revenue DECIMAL(18,4), "
...                 "cogs DECIMAL(18,4))")
>>> _ = con.execute("CREATE TABLE activities (customer_id VARCHAR, activity VARCHAR, "
...                 "quantity DOUBLE, date DATE)")
>>> _ = con.execute("INSERT INTO transactions VALUES "
...                 "('C1', '2024-01-05', 'O1', 'P1', 2, 10.005, 12, 4), "
...                 "('C1', '2024-01-20', 'O1', 'P2', 1, 5, 5, 1)")
>>> build(con)
>>> con.execute("SELECT customer_id, month, sum(net_revenue), sum(invoice_lines) "
...             "FROM cube_customer_month GROUP BY ALL").fetchall()
[('C1', datetime.date(2024, 1, 1), Decimal('15.0050'), 2)]
"""

from __future__ import annotations

from data.catalog import read_sql
from data.cube import CUBE_TABLES, drop_relation, stamp

# The view over the lines that stands for each cube table (the reference prices: a view
# of the cube's own build query).
LINE_VIEWS = (
    ("cube_reference_price", None),
    ("cube_customer_month", "line_cube_customer_month"),
    ("cube_order_month", "line_cube_order_month"),
    ("cube_activity_month", "line_cube_activity_month"),
)
assert tuple(t for t, _ in LINE_VIEWS) == CUBE_TABLES, "one view per cube table"


def build(cur) -> None:
    """Define the cube's relations as views over the live ``transactions`` and
    ``activities`` (in the caller's transaction: a load's commit), instead of
    :func:`data.cube.build`'s tables."""
    for table in CUBE_TABLES:
        drop_relation(cur, table)
    for table, sql_file in LINE_VIEWS:
        if sql_file is None:
            cur.execute(f"CREATE VIEW {table} AS\n{read_sql('cube_build_reference_price')}")
        else:
            cur.execute(read_sql(sql_file))
    stamp(cur)
