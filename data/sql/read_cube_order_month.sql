-- The cube's order-months in a store built from lines aggregated while read
-- (data/read_cube.py): read_transactions' rows with an order, each order once over the
-- whole span (months 1: counted by rows, as the cube counts an order of one month).
create view cube_order_month as
select
    customer_id,
    order_id,
    month,
    positive_value,
    positive_lines,
    rows as lines,
    cast(1 as bigint) as months
from read_transactions
where order_id is not null
