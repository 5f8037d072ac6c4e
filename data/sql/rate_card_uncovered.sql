-- The activities with rows in the activity data that an edited rate card leaves without
-- a rate, and their row counts. Parameter: $rated (the edited card's activity names).
select activity, count(*) as used
from activities
where not list_contains($rated::varchar [], activity)
group by activity
order by activity
