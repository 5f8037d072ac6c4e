-- A report's invoice-line aggregate (read_aggregate_transactions.sql) grouped by its keys
-- as read, merged by its keys trimmed as the importer trims an id (NULLIF(trim(x), ''):
-- data/importer.py's trimmed_sql): run only when some key has blanks around it, on one
-- row per customer and order as read instead of every line. Each measure is a sum, a
-- minimum or a maximum, so merging the groups gives what grouping the trimmed keys
-- would. Filled in by data/importer.py: the aggregate's name and the new table's name
-- (quoted), in braces below.
create table {target} as
select
    nullif(trim(customer_id), '') as customer_id,
    nullif(trim(order_id), '') as order_id,
    cast(sum(list_revenue) as decimal(38, 4)) as list_revenue,
    cast(sum(net_revenue) as decimal(38, 4)) as net_revenue,
    cast(sum(cogs) as decimal(38, 4)) as cogs,
    cast(sum(units) as double) as units,
    min(first_date) as first_date,
    max(last_date) as last_date,
    cast(sum(rows) as bigint) as rows,
    cast(sum(bad_rows) as bigint) as bad_rows,
    cast(sum(positive_lines) as bigint) as positive_lines,
    cast(sum(negative_cogs) as bigint) as negative_cogs
from {name}
group by nullif(trim(customer_id), ''), nullif(trim(order_id), '')
