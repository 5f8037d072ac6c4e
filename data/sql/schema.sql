-- The store's own tables, created when missing: the dataset's description (one row), and
-- what the user keeps across loads: column mappings and recipes remembered per file
-- layout, and saved pricing scenarios.
create table if not exists dataset (
    version varchar, loaded_at timestamp, source varchar, files varchar, rows varchar,
    columns varchar, warnings varchar
);
create table if not exists column_mappings (
    table_name varchar, layout varchar, mapping varchar, saved_at timestamp,
    primary key (table_name, layout)
);
create table if not exists recipes (
    layout varchar primary key, recipe varchar, saved_at timestamp
);
create table if not exists scenarios (
    name varchar primary key, definition varchar, saved_at timestamp
);
