-- One cost driver's activity. Parameters: activity, kind, file, origin, per, condition,
-- counted.
insert into activity_sources values (?, ?, ?, ?, ?, ?, ?)
