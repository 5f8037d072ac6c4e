-- Driver volume per customer and activity in the period, kept for the next queries.
-- Rows without a date are prorated by the period's share of the data's span, as
-- capacity is ($fraction: 1 without a period). Parameters: $start, $end, $fraction.
create or replace temp table period_activity as
select
    customer_id,
    activity,
    sum(case when date is null then quantity * $fraction else quantity end) as quantity
from activities
where date is null
   or (($start is null or date >= $start) and ($end is null or date <= $end))
group by customer_id, activity
