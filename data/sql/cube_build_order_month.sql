-- The order-month cube (issue 13): one row per customer, order and calendar month with
-- invoice lines carrying an order_id. positive_value and positive_lines are over the
-- invoiced (positive) lines only: an order's value for the minimum-order scenario is the
-- sum of its positive_value over the period's months, and an order with no positive
-- line in the period is not an order (as order_sizes.sql said on the lines).
-- months is the number of calendar months the order has lines in (over the whole
-- dataset): an order of one month is one row, so a period counts those with count(*)
-- and only the others with count(distinct order_id).
-- Portable SQL (the Spark engine transpiles it): reads the relation transactions, writes
-- nothing itself (data/cube.py wraps it in CREATE TABLE cube_order_month AS).
select
    m.customer_id,
    m.order_id,
    m.month,
    m.positive_value,
    m.positive_lines,
    m.lines,
    cast(count(*) over (partition by m.customer_id, m.order_id) as bigint) as months
from (
    select
        t.customer_id,
        t.order_id,
        cast(date_trunc('month', t.date) as date) as month,
        cast(coalesce(
            sum(case when t.net_revenue > 0 then t.net_revenue end), 0
        ) as decimal(38, 4)) as positive_value,
        cast(sum(case when t.net_revenue > 0 then 1 else 0 end) as bigint)
            as positive_lines,
        cast(count(*) as bigint) as lines
    from transactions as t
    where t.order_id is not null
    group by t.customer_id, t.order_id, cast(date_trunc('month', t.date) as date)
) as m
