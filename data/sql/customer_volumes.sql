-- Driver quantities as (customer row, activity column, quantity) triples for the
-- matrix: the column is the activity's place in the rate card's list ($activities; -1
-- for a name not in it, which the loader never lets in), so Python only scatters numbers
-- (matching a million names in pandas cost 0.3-0.5 s). Needs period_activity and
-- selected_customers. Parameters: $activities.
select
    s.row_index,
    coalesce(list_position($activities, p.activity), 0) - 1 as column_index,
    p.quantity::double as quantity
from period_activity as p
inner join selected_customers as s on s.customer_id = p.customer_id
