-- Staged tables whose names start with a prefix (one load's, or all). Parameter: $1.
select table_name from duckdb_tables() where not temporary and starts_with(table_name, ?)
