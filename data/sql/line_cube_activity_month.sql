-- The activity-month cube as a view over the activity rows (data/line_cube.py): one row
-- per activity row (month NULL for the undated ones, as in
-- cube_build_activity_month.sql); its readers sum the quantities per customer and
-- activity (and month).
create or replace view cube_activity_month as
select
    a.customer_id,
    a.activity,
    cast(date_trunc('month', a.date) as date) as month,
    cast(a.quantity as double) as quantity,
    a.date as first_date,
    a.date as last_date
from activities as a
