-- One customer's invoice lines by month. Parameters: $customer_id, $start, $end.
select
    date_trunc('month', date)::date as month,
    sum(list_revenue)::double as list_revenue,
    sum(net_revenue)::double as net_revenue,
    sum(cogs)::double as cogs,
    count(*) as invoice_lines
from transactions
where customer_id = $customer_id
  and ($start is null or date >= $start)
  and ($end is null or date <= $end)
group by month
order by month
