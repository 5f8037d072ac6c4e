-- The customer-month cube (issue 13): one row per customer and calendar month with
-- invoice lines. Money is the exact decimal sum (rounded to the cent only where a period
-- is read, per customer: round(sum(..), 2) as on the lines). priced_revenue is the net
-- revenue of the lines with a quantity and a product that has a reference price;
-- reference_revenue the sum of quantity x reference price over the same lines (the
-- price index of a period is sum(priced) / sum(reference)).
-- Portable SQL (the Spark engine transpiles it): reads the relations transactions and
-- reference_price (product_id, unit_price: cube_build_reference_price.sql), writes
-- nothing itself (data/cube.py wraps it in CREATE TABLE cube_customer_month AS).
select
    t.customer_id,
    cast(date_trunc('month', t.date) as date) as month,
    cast(sum(t.list_revenue) as decimal(38, 4)) as list_revenue,
    cast(sum(t.net_revenue) as decimal(38, 4)) as net_revenue,
    cast(sum(t.cogs) as decimal(38, 4)) as cogs,
    cast(count(*) as bigint) as invoice_lines,
    cast(sum(t.quantity) as double) as units,
    min(t.date) as first_date,
    max(t.date) as last_date,
    cast(sum(
        case
            when r.unit_price is not null and t.quantity is not null then t.net_revenue
        end
    ) as decimal(38, 4)) as priced_revenue,
    cast(sum(t.quantity * r.unit_price) as double) as reference_revenue
from transactions as t
left join reference_price as r on r.product_id = t.product_id
group by t.customer_id, cast(date_trunc('month', t.date) as date)
