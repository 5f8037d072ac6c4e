-- The rate card, in the order it was loaded.
select activity, cost_per_unit, resource, unit_time from rates order by rowid
