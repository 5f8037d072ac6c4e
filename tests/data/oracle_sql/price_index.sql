-- Per customer: its price index over the period, for the chosen segments and regions
-- (NULL: all). A product's reference price is the median net unit price (net revenue /
-- quantity) of its lines with quantity > 0, over every customer's lines in the period
-- (before the segment and region filter); DuckDB's median interpolates (the mean of the
-- two middle values for an even count). The index is the customer's net revenue over
-- Σ quantity × reference price, both over its lines that have a product with a
-- reference price and a quantity (credit notes included, with their negative
-- quantities); NULL when there is no such line or the denominator is not positive.
-- Parameters: $start, $end, $segments, $regions.
with lines as (
    select customer_id, product_id, quantity, net_revenue
    from transactions
    where ($start is null or date >= $start)
      and ($end is null or date <= $end)
),

reference as (
    select product_id, median(net_revenue::double / quantity) as unit_price
    from lines
    where product_id is not null and quantity > 0
    group by product_id
),

customer_lines as (
    select
        l.customer_id,
        sum(l.net_revenue::double) filter (where r.unit_price is not null
                                          and l.quantity is not null) as priced_revenue,
        sum(l.quantity * r.unit_price) as reference_revenue
    from lines as l
    left join reference as r on r.product_id = l.product_id
    left join customers as c on c.customer_id = l.customer_id
    where ($segments is null or list_contains($segments, c.segment))
      and ($regions is null or list_contains($regions, c.region))
    group by l.customer_id
)

select
    customer_id,
    case when reference_revenue > 0 then priced_revenue / reference_revenue end
        as price_index
from customer_lines
order by customer_id
