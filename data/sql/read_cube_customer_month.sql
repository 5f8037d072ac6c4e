-- The cube's customer-months in a store built from lines aggregated while read
-- (data/read_cube.py): one row per customer holding the whole span (month: its first
-- month), summed from read_transactions (one row per customer and order). Only the
-- whole span is read from such a store. No reference prices (their medians need every
-- line): priced_revenue and reference_revenue are NULL, as for lines without one. A
-- table, not a view: the report reads it twice (the dataset's span, the customer
-- table), and 1.5 million orders are summed to 100,000 customers once.
create table cube_customer_month as
select
    customer_id,
    cast(date_trunc('month', min(first_date)) as date) as month,
    cast(sum(list_revenue) as decimal(38, 4)) as list_revenue,
    cast(sum(net_revenue) as decimal(38, 4)) as net_revenue,
    cast(sum(cogs) as decimal(38, 4)) as cogs,
    cast(sum(rows) as bigint) as invoice_lines,
    cast(sum(units) as double) as units,
    min(first_date) as first_date,
    max(last_date) as last_date,
    cast(null as decimal(38, 4)) as priced_revenue,
    cast(null as double) as reference_revenue
from read_transactions
group by customer_id
