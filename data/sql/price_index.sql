-- Per customer: its price index over the period, for the chosen segments and regions
-- (NULL: all): Σ priced revenue / Σ reference revenue over the period's customer-months.
-- A product's reference price is the median net unit price of its lines with quantity
-- > 0 over the WHOLE dataset (cube_reference_price, computed at load), so two periods
-- are priced against the same reference. Priced revenue is the net revenue of the lines
-- with a quantity and a product that has a reference price; reference revenue Σ
-- quantity x reference price over the same lines (credit notes included, with their
-- negative quantities). NULL when there is no such line or the denominator is not
-- positive. Reads the period's customer-months (data/cube.py's period views).
-- Parameters: $segments, $regions.
with customer_lines as (
    select
        m.customer_id,
        sum(m.priced_revenue)::double as priced_revenue,
        sum(m.reference_revenue) as reference_revenue
    from period_customer_month as m
    left join customers as c on c.customer_id = m.customer_id
    where ($segments is null or list_contains($segments, c.segment))
      and ($regions is null or list_contains($regions, c.region))
    group by m.customer_id
)

select
    customer_id,
    case when reference_revenue > 0 then priced_revenue / reference_revenue end
        as price_index
from customer_lines
order by customer_id
