-- Driver volume per customer and activity in the period, kept for the next queries.
-- Reads the period's activity-months (data/cube.py's period views). Undated rows (month
-- NULL) are prorated by the period's share of the data's span, as capacity is
-- ($fraction: 1 without a period). Parameters: $fraction.
create or replace temp table period_activity as
select
    customer_id,
    activity,
    sum(case when month is null then quantity * $fraction else quantity end) as quantity
from period_activity_month
group by customer_id, activity
