-- One customer's dated activity by month and activity. Parameters: $customer_id, $start, $end.
select
    date_trunc('month', date)::date as month,
    activity,
    sum(quantity) as quantity
from activities
where customer_id = $customer_id
  and date is not null
  and ($start is null or date >= $start)
  and ($end is null or date <= $end)
group by month, activity
order by month, activity
