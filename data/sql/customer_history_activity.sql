-- One customer's dated activity by month and activity, from the period's
-- activity-months (data/cube.py's period views). Parameters: $customer_id.
select
    month,
    activity,
    sum(quantity) as quantity
from period_activity_month
where customer_id = $customer_id
  and month is not null
group by month, activity
order by month, activity
