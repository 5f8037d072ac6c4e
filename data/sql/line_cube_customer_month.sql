-- The customer-month cube as a view over the invoice lines (data/line_cube.py): one row
-- per line, not per month, for a store that lives for one report. Every reader of the
-- cube sums, counts, or takes the min and max per customer (and month), so the figures
-- are those of the built cube (cube_build_customer_month.sql), computed only for what is
-- read. The price index is not: priced_revenue and reference_revenue raise when read
-- (the report does not read them; a store that needs them builds the cube).
create or replace view cube_customer_month as
select
    t.customer_id,
    cast(date_trunc('month', t.date) as date) as month,
    t.list_revenue,
    t.net_revenue,
    t.cogs,
    cast(1 as bigint) as invoice_lines,
    cast(t.quantity as double) as units,
    t.date as first_date,
    t.date as last_date,
    cast(error('the price index is not computed in a store whose cube is a view of its '
               || 'lines (a report''s store)') as decimal(38, 4)) as priced_revenue,
    cast(error('the price index is not computed in a store whose cube is a view of its '
               || 'lines (a report''s store)') as double) as reference_revenue
from transactions as t
