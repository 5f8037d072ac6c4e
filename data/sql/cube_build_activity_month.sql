-- The activity-month cube (issue 13): driver volume per customer, activity and calendar
-- month (activity files and the drivers counted from the lines alike). month is NULL for
-- the activity rows without a date (a period prorates them by its share of the data's
-- span, as capacity is). first_date and last_date (the month's first and last dated
-- rows) give the data's date span without reading the rows.
-- Portable SQL (the Spark engine transpiles it): reads the relation activities, writes
-- nothing itself (data/cube.py wraps it in CREATE TABLE cube_activity_month AS).
select
    a.customer_id,
    a.activity,
    cast(date_trunc('month', a.date) as date) as month,
    cast(sum(a.quantity) as double) as quantity,
    min(a.date) as first_date,
    max(a.date) as last_date
from activities as a
group by a.customer_id, a.activity, cast(date_trunc('month', a.date) as date)
