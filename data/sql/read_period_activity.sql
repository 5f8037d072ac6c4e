-- The whole span's volumes per customer and activity in a store aggregated while read
-- (data/read_cube.py), as period_activity.sql makes them for other stores: its
-- activity-months are already one row per customer and activity, undated rows included
-- in full (the whole span's share of itself is 1), so nothing is summed again.
create or replace temp table period_activity as
select customer_id, activity, quantity
from cube_activity_month
