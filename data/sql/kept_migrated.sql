-- Whether the kept tables of the DuckDB store were copied into the kept-state file.
select count(*) from kept_meta where key = 'migrated'
