-- Mark the kept tables as copied. Parameter: when.
insert or replace into kept_meta values ('migrated', ?)
