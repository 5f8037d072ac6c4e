-- One customer's invoice lines by month, from the period's customer-months
-- (data/cube.py's period views). Parameters: $customer_id.
select
    month,
    sum(list_revenue)::double as list_revenue,
    sum(net_revenue)::double as net_revenue,
    sum(cogs)::double as cogs,
    sum(invoice_lines)::bigint as invoice_lines
from period_customer_month
where customer_id = $customer_id
group by month
order by month
