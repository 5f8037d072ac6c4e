-- The rate card, in the order it was loaded; relationship: whether the activity is
-- relationship investment (empty: no).
select activity, cost_per_unit, resource, unit_time, coalesce(relationship, false) as relationship
from rates order by rowid
