-- The period's invoice-line totals from the customer-months, for a store that does not
-- keep the lines (line_totals.sql sums the lines themselves when it does).
-- Reads the period's customer-months (data/cube.py's period views).
select
    coalesce(sum(invoice_lines), 0)::bigint as invoice_lines,
    count(distinct customer_id) as customers,
    coalesce(sum(list_revenue), 0)::double as list_revenue,
    coalesce(sum(net_revenue), 0)::double as net_revenue,
    coalesce(sum(cogs), 0)::double as cogs
from period_customer_month
