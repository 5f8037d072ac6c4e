-- The cube's order-months in a store built from lines aggregated while read
-- (data/read_cube.py): read_transactions' rows with an order, each order once over the
-- whole span (months 1: counted by rows, as the cube counts an order of one month). The
-- order values are not aggregated while read (the minimum-order scenario is not a
-- report's): positive_value raises when read.
create view cube_order_month as
select
    customer_id,
    order_id,
    cast(date_trunc('month', first_date) as date) as month,
    cast(error('the order values are not computed in a store aggregated while read (a '
               || 'report''s store)') as decimal(38, 4)) as positive_value,
    positive_lines,
    rows as lines,
    cast(1 as bigint) as months
from read_transactions
where order_id is not null
