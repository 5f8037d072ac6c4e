-- A report's invoice lines aggregated while they are read (data/read_cube.py): one row
-- per customer and order (order_id NULL: the customer's lines without one) over the
-- whole span, of the typed, checked rows of the file's one read (the importer's
-- fused select, with its _bad flag), instead of a table of lines. Sums as
-- cube_build_customer_month.sql and cube_build_order_month.sql make them, plus the
-- counts the importer's checks and warnings need: rows, bad_rows (any: the file is read
-- the long way, which names each problem), empty money (taken as 0 with a warning on the
-- long way: read it that way), and the COGS sign check's counts. Filled in by
-- data/importer.py: the staged table's name (quoted)
-- and the rows' select, in braces below.
create table {name} as
select
    customer_id,
    order_id,
    cast(date_trunc('month', min(date)) as date) as month,
    cast(sum(list_revenue) as decimal(38, 4)) as list_revenue,
    cast(sum(net_revenue) as decimal(38, 4)) as net_revenue,
    cast(sum(cogs) as decimal(38, 4)) as cogs,
    cast(sum(quantity) as double) as units,
    min(date) as first_date,
    max(date) as last_date,
    cast(coalesce(sum(case when net_revenue > 0 then net_revenue end), 0)
         as decimal(38, 4)) as positive_value,
    cast(sum(case when net_revenue > 0 then 1 else 0 end) as bigint) as positive_lines,
    cast(count(*) as bigint) as rows,
    count(*) filter (where _bad) as bad_rows,
    count(*) filter (where list_revenue is null or cogs is null) as empty_money,
    count(*) filter (where cogs < 0 and net_revenue > 0) as negative_cogs
from ({rows})
group by customer_id, order_id
