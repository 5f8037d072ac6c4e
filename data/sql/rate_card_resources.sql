-- The resources, in the order they were loaded.
select resource, cost, capacity from resources order by rowid
