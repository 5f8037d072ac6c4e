-- The cube's reference prices (issue 13): per product, the median net unit price (net
-- revenue / quantity) of its invoice lines with a quantity > 0 over the WHOLE dataset,
-- computed once at load. The median interpolates: the mean of the two middle values for
-- an even count (percentile_cont, standard SQL; DuckDB's median).
-- Portable SQL (the Spark engine transpiles it): reads the relation transactions, writes
-- nothing itself (data/cube.py wraps it in CREATE TABLE cube_reference_price AS).
select
    t.product_id,
    percentile_cont(0.5) within group (
        order by cast(t.net_revenue as double) / t.quantity
    ) as unit_price
from transactions as t
where t.product_id is not null
  and t.quantity > 0
group by t.product_id
