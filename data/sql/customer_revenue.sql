-- One row per customer billed in the period: revenue measures from invoice lines.
-- Parameters: $start, $end (dates, NULL for open ends).
with lines as (
    select customer_id, order_id, list_revenue, net_revenue, cogs, quantity, date
    from transactions
    where ($start is null or date >= $start)
      and ($end is null or date <= $end)
)

select
    customer_id,
    sum(list_revenue)::double as list_revenue,
    sum(net_revenue)::double as net_revenue,
    sum(cogs)::double as cogs,
    count(*) as invoice_lines,
    count(distinct order_id) as orders,
    sum(quantity) as units,
    min(date) as first_date,
    max(date) as last_date
from lines
group by customer_id
