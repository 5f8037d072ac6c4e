-- Every table of the store file (a staged load checks its tables are still there).
select table_name from duckdb_tables() where not temporary
