-- Driver quantities as (customer row, activity column, quantity) triples for the matrix.
-- Needs period_activity and selected_customers.
with activity_columns as (
    select activity, row_number() over (order by rowid) - 1 as column_index
    from rates
)

select
    s.row_index,
    a.column_index,
    p.quantity::double as quantity
from period_activity as p
inner join selected_customers as s on s.customer_id = p.customer_id
inner join activity_columns as a on a.activity = p.activity
