-- The kept-state file (SQLite, beside the store: data.kept): what the user keeps across
-- loads. Column mappings and recipes remembered per file layout, saved pricing
-- scenarios; times as ISO text. kept_meta marks the one-time copy from a DuckDB store.
create table if not exists column_mappings (
    table_name varchar, layout varchar, mapping varchar, saved_at varchar,
    primary key (table_name, layout)
);
create table if not exists recipes (
    layout varchar primary key, recipe varchar, saved_at varchar
);
create table if not exists scenarios (
    name varchar primary key, definition varchar, saved_at varchar
);
create table if not exists kept_meta (key varchar primary key, value varchar);
