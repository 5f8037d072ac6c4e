-- Per customer and calendar year of the invoice date: net revenue, COGS (each rounded to
-- the cent on the exact decimals) and invoice lines, within the period, for the chosen
-- segments and regions (NULL: all; a customer without master data is then left out, as
-- in selected_customers). Parameters: $start, $end, $segments, $regions.
select
    t.customer_id,
    year(t.date)::integer as year,
    round(sum(t.net_revenue), 2)::double as net_revenue,
    round(sum(t.cogs), 2)::double as cogs,
    count(*) as lines
from transactions as t
left join customers as c on c.customer_id = t.customer_id
where ($start is null or t.date >= $start)
  and ($end is null or t.date <= $end)
  and ($segments is null or list_contains($segments, c.segment))
  and ($regions is null or list_contains($regions, c.region))
group by t.customer_id, year(t.date)
order by t.customer_id, year
