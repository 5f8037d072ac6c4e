-- Driver volume per activity over every customer in the period, before any filter.
-- Needs period_activity.
select activity, sum(quantity)::double as quantity
from period_activity
group by activity
