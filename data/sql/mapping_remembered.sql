-- The column mapping remembered for a table and file layout. Parameters: table, layout.
select mapping from column_mappings where table_name = ? and layout = ?
