-- The period's activity-months (issue 13), for the queries that follow on this cursor:
-- the undated rows (month NULL: the queries prorate them by the period's share of the
-- data's span), the whole months from the cube, and the partial months at the period's
-- ends exactly from the activity rows when the store keeps the lines, otherwise the
-- cube's month prorated by the days covered / the days in the month. Filled in by
-- data/cube.py as period_customer_month.sql.
create or replace temp view period_activity_month as
select customer_id, activity, month, quantity
from cube_activity_month
where month is null
   or (({whole_from} is null or month >= {whole_from})
       and ({whole_to} is null or month <= {whole_to}))
union all
select
    a.customer_id,
    a.activity,
    date_trunc('month', a.date)::date as month,
    sum(a.quantity)::double
from {activities} as a
where {lines_kept} and {has_edges}
  and ((a.date between {edge1_start} and {edge1_end})
       or (a.date between {edge2_start} and {edge2_end}))
group by a.customer_id, a.activity, date_trunc('month', a.date)::date
union all
select c.customer_id, c.activity, c.month, c.quantity * e.weight
from cube_activity_month as c
inner join (
    select {edge1_month} as month, {edge1_weight} as weight
    union all
    select {edge2_month}, {edge2_weight}
) as e on e.month = c.month
where not {lines_kept} and {has_edges}
