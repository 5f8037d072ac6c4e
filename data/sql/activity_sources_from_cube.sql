-- The activities read from the activity file, in a store whose lines another engine read
-- (no activities table, only the cube): every activity of the cube that no cost driver
-- counted. Parameters: $file, $drivers (names).
insert into activity_sources
select distinct activity, 'file', $file, null, null, null, null
from cube_activity_month
where not list_contains($drivers, activity)
