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
-- Where each activity's driver quantities came from, as the last load recorded it: an
-- activity file (kind 'file'), or a cost driver counted from the invoice lines (kind
-- 'driver': what it counts and its condition). Written in the load's transaction.
create table if not exists activity_sources (
    activity varchar, kind varchar, file varchar, origin varchar, per varchar,
    condition varchar, counted varchar
);
-- Whether the store keeps the invoice lines besides the cube (issue 13; NULL in a store
-- loaded before the cube: it kept them).
alter table dataset add column if not exists lines_kept boolean;
