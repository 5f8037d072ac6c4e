-- What a name is in the store's current schema, so the one statement that drops it is
-- run (data/cube.py drop_relation): TABLE, VIEW, or no row (absent). DuckDB refuses
-- DROP VIEW IF EXISTS on a table and DROP TABLE IF EXISTS on a view. Parameter: $name.
select 'TABLE' as kind
from duckdb_tables()
where table_name = $name and not temporary
  and database_name = current_database() and schema_name = current_schema()
union all
select 'VIEW'
from duckdb_views()
where view_name = $name and not temporary
  and database_name = current_database() and schema_name = current_schema()
