-- The loaded invoice lines' totals in the period, straight from the lines (no customer
-- table): what the customer P&L must add up to. Parameters: $start, $end.
select
    count(*) as invoice_lines,
    count(distinct customer_id) as customers,
    coalesce(sum(list_revenue), 0)::double as list_revenue,
    coalesce(sum(net_revenue), 0)::double as net_revenue,
    coalesce(sum(cogs), 0)::double as cogs
from transactions
where ($start is null or date >= $start)
  and ($end is null or date <= $end)
