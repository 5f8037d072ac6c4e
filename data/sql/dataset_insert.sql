-- The new dataset's description. Parameters: version, loaded_at, source, files, rows,
-- columns, warnings.
insert into dataset values (?, ?, ?, ?, ?, ?, ?)
