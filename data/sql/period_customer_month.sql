-- The period's customer-months (issue 13), for the queries that follow on this cursor:
-- the whole calendar months of the period from the cube, and the partial months at its
-- ends read exactly from the invoice lines when the store keeps them ({lines_kept}),
-- otherwise the cube's month prorated by the days covered / the days in the month.
-- Filled in by data/cube.py (dates as DATE literals or NULL, never user text):
-- {whole_from}, {whole_to} (the whole months' first days; NULL: open), {lines_kept},
-- {has_edges} (whether the period has a partial month: FALSE leaves the edge branches
-- out of the plan, constant false),
-- and per edge i in 1, 2: {edge1_month}, {edge1_start}, {edge1_end}, {edge1_weight};
-- {transactions} and {activities}: the tables, or an empty relation of their columns in a
-- store without lines (which may not have the tables).
create or replace temp view period_customer_month as
select
    customer_id, month, list_revenue, net_revenue, cogs, invoice_lines, units,
    first_date, last_date, priced_revenue, reference_revenue
from cube_customer_month
where ({whole_from} is null or month >= {whole_from})
  and ({whole_to} is null or month <= {whole_to})
union all
select
    t.customer_id,
    date_trunc('month', t.date)::date as month,
    sum(t.list_revenue)::decimal(38, 4),
    sum(t.net_revenue)::decimal(38, 4),
    sum(t.cogs)::decimal(38, 4),
    count(*),
    sum(t.quantity)::double,
    min(t.date),
    max(t.date),
    sum(t.net_revenue) filter (
        where r.unit_price is not null and t.quantity is not null
    )::decimal(38, 4),
    sum(t.quantity * r.unit_price)::double
from {transactions} as t
left join cube_reference_price as r on r.product_id = t.product_id
where {lines_kept} and {has_edges}
  and ((t.date between {edge1_start} and {edge1_end})
       or (t.date between {edge2_start} and {edge2_end}))
group by t.customer_id, date_trunc('month', t.date)::date
union all
select
    c.customer_id,
    c.month,
    (c.list_revenue * e.weight)::decimal(38, 4),
    (c.net_revenue * e.weight)::decimal(38, 4),
    (c.cogs * e.weight)::decimal(38, 4),
    round(c.invoice_lines * e.weight)::bigint,
    c.units * e.weight,
    greatest(c.first_date, e.start_date),
    least(c.last_date, e.end_date),
    (c.priced_revenue * e.weight)::decimal(38, 4),
    c.reference_revenue * e.weight
from cube_customer_month as c
inner join (
    select {edge1_month} as month, {edge1_start} as start_date, {edge1_end} as end_date,
           {edge1_weight} as weight
    union all
    select {edge2_month}, {edge2_start}, {edge2_end}, {edge2_weight}
) as e on e.month = c.month
where not {lines_kept} and {has_edges}
