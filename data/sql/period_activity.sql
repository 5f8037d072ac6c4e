-- Driver volume per customer and activity in the period, kept for the next queries.
-- Rows without a date count in every period. Parameters: $start, $end.
create or replace temp table period_activity as
select
    customer_id,
    activity,
    sum(quantity) as quantity
from activities
where date is null
   or (($start is null or date >= $start) and ($end is null or date <= $end))
group by customer_id, activity
