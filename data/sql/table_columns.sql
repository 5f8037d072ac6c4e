-- The columns of a live (not temporary) table of the store. Parameter: the table's name.
select column_name
from duckdb_columns()
where table_name = ? and database_name = current_database() and schema_name = 'main'
