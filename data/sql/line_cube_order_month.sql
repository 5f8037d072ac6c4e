-- The order-month cube as a view over the invoice lines (data/line_cube.py): one row per
-- line with an order_id. months is NULL (not known per row), so an order is counted by
-- distinct id, as the partial months of a period are (selected_customers.sql); the
-- positive value and lines sum per order as in cube_build_order_month.sql.
create or replace view cube_order_month as
select
    t.customer_id,
    t.order_id,
    cast(date_trunc('month', t.date) as date) as month,
    case when t.net_revenue > 0 then t.net_revenue else 0 end as positive_value,
    cast(case when t.net_revenue > 0 then 1 else 0 end as bigint) as positive_lines,
    cast(1 as bigint) as lines,
    cast(null as bigint) as months
from transactions as t
where t.order_id is not null
