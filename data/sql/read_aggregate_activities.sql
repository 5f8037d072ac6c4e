-- A report's activity rows aggregated while they are read (data/read_cube.py): one row
-- per customer and activity over the whole span, dated and undated rows together (a
-- report reads the whole span only, where an undated row counts in full), of the typed,
-- checked rows of the file's one read (the importer's fused select, with its _bad
-- flag), plus rows, undated_rows (the load's warning) and bad_rows (any: the file is
-- read the long way, which names each problem).
-- Filled in by data/importer.py: the staged table's name (quoted)
-- and the rows' select, in braces below.
create table {name} as
select
    customer_id,
    activity,
    cast(sum(quantity) as double) as quantity,
    min(date) as first_date,
    max(date) as last_date,
    count(*) as rows,
    count(*) filter (where date is null) as undated_rows,
    count(*) filter (where _bad) as bad_rows
from ({rows})
group by customer_id, activity
