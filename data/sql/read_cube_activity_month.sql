-- The cube's activity-months in a store built from activity rows aggregated while read
-- (data/read_cube.py): read_activities (per customer and activity over the whole span;
-- month NULL for the undated rows).
create view cube_activity_month as
select
    customer_id,
    activity,
    cast(date_trunc('month', first_date) as date) as month,
    quantity,
    first_date,
    last_date
from read_activities
