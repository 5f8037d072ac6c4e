-- The per-customer table in row order. Needs selected_customers.
select * exclude (row_index) from selected_customers order by row_index
