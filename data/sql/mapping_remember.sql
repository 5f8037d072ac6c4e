-- Remember a column mapping. Parameters: table, layout, mapping (JSON), saved_at.
insert or replace into column_mappings values (?, ?, ?, ?)
