-- A report's activity aggregate (read_aggregate_activities.sql) grouped by its keys as
-- read, merged by its keys trimmed as the importer trims an id (NULLIF(trim(x), ''):
-- data/importer.py's trimmed_sql): run only when some key has blanks around it. Each
-- measure is a sum, a minimum or a maximum, so merging the groups gives what grouping
-- the trimmed keys would. Filled in by data/importer.py: the aggregate's name and the
-- new table's name (quoted), in braces below.
create table {target} as
select
    nullif(trim(customer_id), '') as customer_id,
    nullif(trim(activity), '') as activity,
    cast(sum(quantity) as double) as quantity,
    min(first_date) as first_date,
    max(last_date) as last_date,
    cast(sum(rows) as bigint) as rows,
    cast(sum(undated_rows) as bigint) as undated_rows,
    cast(sum(bad_rows) as bigint) as bad_rows
from {name}
group by nullif(trim(customer_id), ''), nullif(trim(activity), '')
