-- The activities read from the activity file: every activity of the (just swapped in)
-- activities table that no cost driver counted. Parameters: $file, $drivers (names).
insert into activity_sources
select distinct activity, 'file', $file, null, null, null, null
from activities
where not list_contains($drivers, activity)
