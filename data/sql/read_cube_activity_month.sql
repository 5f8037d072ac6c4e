-- The cube's activity-months in a store built from activity rows aggregated while read
-- (data/read_cube.py): read_activities, one row per customer and activity over the
-- whole span, its undated rows included (month: the first dated row's; NULL when every
-- row is undated). Only the whole span is read from such a store, where an undated row
-- counts in full, and each customer and activity is one row (read_period_activity.sql).
create view cube_activity_month as
select
    customer_id,
    activity,
    cast(date_trunc('month', first_date) as date) as month,
    quantity,
    first_date,
    last_date
from read_activities
