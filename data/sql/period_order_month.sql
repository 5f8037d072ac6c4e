-- The period's order-months (issue 13), for the queries that follow on this cursor: the
-- whole months from the cube, the partial months at the period's ends exactly from the
-- invoice lines when the store keeps them; otherwise a partial month's orders are taken
-- whole (an order is not split by days). months (the months the order spans) is NULL
-- on the partial months' rows. Filled in by data/cube.py as period_customer_month.sql.
create or replace temp view period_order_month as
select customer_id, order_id, month, positive_value, positive_lines, lines, months
from cube_order_month
where ({whole_from} is null or month >= {whole_from})
  and ({whole_to} is null or month <= {whole_to})
union all
select
    t.customer_id,
    t.order_id,
    date_trunc('month', t.date)::date as month,
    coalesce(sum(t.net_revenue) filter (where t.net_revenue > 0), 0)::decimal(38, 4),
    count(*) filter (where t.net_revenue > 0),
    count(*),
    -- Not known here: a partial month's orders are counted as distinct ids.
    null::bigint
from {transactions} as t
where {lines_kept} and {has_edges}
  and t.order_id is not null
  and ((t.date between {edge1_start} and {edge1_end})
       or (t.date between {edge2_start} and {edge2_end}))
group by t.customer_id, t.order_id, date_trunc('month', t.date)::date
union all
select customer_id, order_id, month, positive_value, positive_lines, lines, null::bigint
from cube_order_month
where not {lines_kept} and {has_edges}
  and month in ({edge1_month}, {edge2_month})
