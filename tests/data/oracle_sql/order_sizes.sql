-- Per customer: its orders in the period, and the number and value of those below a
-- minimum order value, for the chosen segments and regions (NULL: all).
-- An order is an order_id's invoice lines in the period; its value is the net revenue of
-- its invoiced lines (credit notes are returns, not order size). Lines without an
-- order_id, and orders with no positive line, are not orders.
-- Parameters: $start, $end, $segments, $regions, $minimum_order_value.
with lines as (
    select
        t.customer_id,
        t.order_id,
        t.net_revenue
    from transactions as t
    left join customers as c on c.customer_id = t.customer_id
    where t.order_id is not null
      and t.net_revenue > 0
      and ($start is null or t.date >= $start)
      and ($end is null or t.date <= $end)
      and ($segments is null or list_contains($segments, c.segment))
      and ($regions is null or list_contains($regions, c.region))
),

order_values as (
    select
        customer_id,
        order_id,
        sum(net_revenue)::double as order_value
    from lines
    group by customer_id, order_id
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
