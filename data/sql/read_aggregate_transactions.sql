-- A report's invoice lines aggregated while they are read (data/read_cube.py): one row
-- per customer and order (order_id NULL: the customer's lines without one) over the
-- whole span, of the typed, checked rows of the file's one read (the importer's
-- fused select, with its _bad flag), instead of a table of lines. Sums as
-- cube_build_customer_month.sql and cube_build_order_month.sql make them, plus the
-- counts the importer's checks and warnings need: rows, bad_rows (any, an empty money
-- cell included: the file is read the long way, which names each problem or takes the
-- cell as 0 with a warning), and the COGS sign check's counts. As few aggregates as the
-- report needs (its hash aggregation is half the read): no month (the views take it
-- from first_date), no order values (the minimum-order scenario is not a report's).
-- Filled in by
-- data/importer.py: the staged table's name (quoted)
-- and the rows' select, in braces below.
create table {name} as
select
    customer_id,
    order_id,
    cast(sum(list_revenue) as decimal(38, 4)) as list_revenue,
    cast(sum(net_revenue) as decimal(38, 4)) as net_revenue,
    cast(sum(cogs) as decimal(38, 4)) as cogs,
    cast(sum(quantity) as double) as units,
    min(date) as first_date,
    max(date) as last_date,
    count(*) as rows,
    count(*) filter (where _bad) as bad_rows,
    count(*) filter (where net_revenue > 0) as positive_lines,
    count(*) filter (where cogs < 0 and net_revenue > 0) as negative_cogs
from ({rows})
group by customer_id, order_id
