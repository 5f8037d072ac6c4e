-- The new dataset's description. Parameters: version, loaded_at, source, files, rows,
-- columns, warnings, lines_kept (whether the store keeps the invoice lines).
insert into dataset (version, loaded_at, source, files, rows, columns, warnings, lines_kept)
values (?, ?, ?, ?, ?, ?, ?, ?)
