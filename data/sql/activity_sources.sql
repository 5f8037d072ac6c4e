-- Where each activity's driver quantities came from (see schema.sql).
select activity, kind, file, origin, per, condition, counted
from activity_sources
order by activity
