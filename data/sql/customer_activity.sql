-- Driver volume per customer and activity in the period.
-- Rows without a date count in every period. Parameters: $start, $end.
select
    customer_id,
    activity,
    sum(quantity) as quantity
from activities
where date is null
   or (($start is null or date >= $start) and ($end is null or date <= $end))
group by customer_id, activity
