-- Per customer and calendar year: net revenue, COGS (each rounded to the cent on the
-- exact decimal sums) and invoice lines, within the period, for the chosen segments and
-- regions (NULL: all; a customer without master data is then left out, as in
-- selected_customers). Reads the period's customer-months (data/cube.py's period views).
-- Parameters: $segments, $regions.
select
    m.customer_id,
    year(m.month)::integer as year,
    round(sum(m.net_revenue), 2)::double as net_revenue,
    round(sum(m.cogs), 2)::double as cogs,
    sum(m.invoice_lines)::bigint as lines
from period_customer_month as m
left join customers as c on c.customer_id = m.customer_id
where ($segments is null or list_contains($segments, c.segment))
  and ($regions is null or list_contains($regions, c.region))
group by m.customer_id, year(m.month)
order by m.customer_id, year
