-- One row per customer with invoice lines or activity in the period, with master data
-- and revenue measures, for the chosen segments and regions (NULL: all).
-- Reads the period's customer-months and order-months (data/cube.py's period views);
-- needs period_activity. Parameters: $segments, $regions.
create or replace temp table selected_customers as
with revenue as (
    select
        customer_id,
        -- Rounded to the cent on the exact decimal sums, so every customer figure is in
        -- cents and the customer P&L adds up exactly to the totals.
        round(sum(list_revenue), 2)::double as list_revenue,
        round(sum(net_revenue), 2)::double as net_revenue,
        round(sum(cogs), 2)::double as cogs,
        sum(invoice_lines) as invoice_lines,
        coalesce(sum(units), 0)::double as units,
        min(first_date) as first_date,
        max(last_date) as last_date
    from period_customer_month
    group by customer_id
),

orders as (
    -- An order of one month (months = 1) is one row of a whole month: counted by rows;
    -- the others (several months, or a partial month's rows) by distinct id. The two
    -- never share an order. (Not count(distinct) filter (...) in one aggregate: DuckDB
    -- then hashes every row's id, 0.45 s of 1.5 million order-months, for the few.)
    select customer_id, count(*) as orders
    from (
        select customer_id from period_order_month where months = 1
        union all
        select customer_id
        from (
            select distinct customer_id, order_id
            from period_order_month
            where months is distinct from 1
        )
    )
    group by customer_id
),

customer_ids as (
    select customer_id from revenue
    union
    select customer_id from period_activity
)

select
    row_number() over (order by ids.customer_id) - 1 as row_index,
    ids.customer_id,
    c.name,
    c.segment,
    c.region,
    c.since,
    c.wallet::double as wallet,
    c.referrals,
    c.co_development,
    c.invests,
    c.relationship,
    c.customer_id is not null as in_master,
    coalesce(r.list_revenue, 0) as list_revenue,
    coalesce(r.net_revenue, 0) as net_revenue,
    coalesce(r.cogs, 0) as cogs,
    coalesce(r.invoice_lines, 0) as invoice_lines,
    coalesce(o.orders, 0) as orders,
    coalesce(r.units, 0) as units,
    r.first_date,
    r.last_date
from customer_ids as ids
left join revenue as r on r.customer_id = ids.customer_id
left join orders as o on o.customer_id = ids.customer_id
left join customers as c on c.customer_id = ids.customer_id
where ($segments is null or list_contains($segments, c.segment))
  and ($regions is null or list_contains($regions, c.region))
