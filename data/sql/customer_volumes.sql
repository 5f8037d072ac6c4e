-- Driver quantities as (customer row, activity, quantity) triples for the matrix; the
-- activity names meet the rate card's in Python. Needs period_activity and
-- selected_customers.
select
    s.row_index,
    p.activity,
    p.quantity::double as quantity
from period_activity as p
inner join selected_customers as s on s.customer_id = p.customer_id
