-- Per customer: its orders in the period, and the number and value of those below a
-- minimum order value, for the chosen segments and regions (NULL: all).
-- An order is an order_id's invoice lines in the period; its value is the net revenue of
-- its invoiced lines (credit notes are returns, not order size). Lines without an
-- order_id, and orders with no positive line in the period, are not orders.
-- Reads the period's order-months (data/cube.py's period views).
-- Parameters: $segments, $regions, $minimum_order_value.
with order_values as (
    select
        o.customer_id,
        o.order_id,
        sum(o.positive_value)::double as order_value
    from period_order_month as o
    left join customers as c on c.customer_id = o.customer_id
    where ($segments is null or list_contains($segments, c.segment))
      and ($regions is null or list_contains($regions, c.region))
    group by o.customer_id, o.order_id
    having sum(o.positive_lines) > 0
)

select
    customer_id,
    count(*) as orders,
    count(*) filter (where order_value < $minimum_order_value) as small_orders,
    coalesce(
        sum(order_value) filter (where order_value < $minimum_order_value), 0
    )::double as small_order_value
from order_values
group by customer_id
order by customer_id
