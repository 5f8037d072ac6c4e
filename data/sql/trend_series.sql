-- The company's trend: per bucket (a month or a quarter, $grain) of the period, the
-- chosen customers' net revenue, COGS and cost to serve in whole cents, the customers
-- active in it (invoice lines or activity there) and those among them with a negative
-- operating profit there.
--
-- The chosen customers and their figures for the whole period come in the registered
-- table trend_customers (customer_id, net_revenue_cents, cogs_cents,
-- cost_to_serve_cents: the customer P&L's, already filtered by segment and region).
-- A customer's bucket holds its revenue and COGS there rounded to the cent, and its
-- cost to serve there (Σ volume x rate) rounded to the cent; what the per-customer
-- roundings leave over (a few cents at most) goes to its last bucket, so its buckets add
-- up exactly to its P&L and the buckets to the period's totals. Undated activity is
-- spread over the buckets by each one's share of the data's date span ($weights), which
-- together make the share of it the P&L prorates to the period.
--
-- Reads the period's customer-months and activity-months (data/cube.py's period views).
-- Needs trend_customers. Parameters: $grain ('month' or 'quarter'),
-- $buckets and $weights (each bucket's first day and its share of the data's span),
-- $activities and $rates (each activity's rate per driver unit).
with buckets as (
    select
        unnest($buckets::date []) as bucket,
        unnest($weights::double []) as weight
),

rates as (
    select
        unnest($activities::varchar []) as activity,
        unnest($rates::double []) as rate
),

lines as (
    select
        customer_id,
        date_trunc($grain, month)::date as bucket,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs
    from period_customer_month
    group by all
),

activity as (
    -- A month's volume x rate (date: the month; NULL for undated rows).
    select
        a.customer_id,
        a.month as date,
        a.quantity * r.rate as cost
    from period_activity_month as a
    inner join rates as r on r.activity = a.activity
),

cost as (
    select customer_id, bucket, sum(cost) as cost
    from (
        select customer_id, date_trunc($grain, date)::date as bucket, cost
        from activity
        where date is not null
        union all
        select u.customer_id, b.bucket, u.cost * b.weight
        from (
            select customer_id, sum(cost) as cost
            from activity
            where date is null
            group by all
        ) as u
        cross join buckets as b
    )
    group by all
),

customer_bucket as (
    select
        coalesce(l.customer_id, c.customer_id) as customer_id,
        coalesce(l.bucket, c.bucket) as bucket,
        -- A customer's month holds far less than DECIMAL(18,4)'s 10^14: rounding it there
        -- is exact and much faster than on the sum's DECIMAL(38,4).
        coalesce(round(l.net_revenue::decimal(18, 4), 2) * 100, 0)::bigint as net_revenue,
        coalesce(round(l.cogs::decimal(18, 4), 2) * 100, 0)::bigint as cogs,
        -- analytics.money.whole_cents: floor of |x| x 100, plus one when |x| reaches the
        -- float nearest to the half cent above it; the sign put back.
        coalesce(sign(c.cost) * (
            floor(abs(c.cost) * 100.0)
            + (abs(c.cost) >= (floor(abs(c.cost) * 100.0) + 0.5) / 100.0)::integer
        ), 0)::bigint as cost_to_serve
    from lines as l
    full outer join cost as c on c.customer_id = l.customer_id and c.bucket = l.bucket
    semi join trend_customers as t on t.customer_id = coalesce(l.customer_id, c.customer_id)
),

leftover as (
    -- What each customer's P&L holds beyond the sum of its buckets, in its last bucket
    -- (the period's last bucket for a customer with none).
    select
        t.customer_id,
        coalesce(b.bucket, (select max(bucket) from buckets)) as bucket,
        t.net_revenue_cents - coalesce(b.net_revenue, 0) as net_revenue,
        t.cogs_cents - coalesce(b.cogs, 0) as cogs,
        t.cost_to_serve_cents - coalesce(b.cost_to_serve, 0) as cost_to_serve,
        b.customer_id is not null as has_buckets
    from trend_customers as t
    left join (
        select
            customer_id,
            max(bucket) as bucket,
            sum(net_revenue) as net_revenue,
            sum(cogs) as cogs,
            sum(cost_to_serve) as cost_to_serve
        from customer_bucket
        group by customer_id
    ) as b on b.customer_id = t.customer_id
    where t.net_revenue_cents <> coalesce(b.net_revenue, 0)
       or t.cogs_cents <> coalesce(b.cogs, 0)
       or t.cost_to_serve_cents <> coalesce(b.cost_to_serve, 0)
),

settled as (
    select
        b.customer_id,
        b.bucket,
        b.net_revenue + coalesce(o.net_revenue, 0) as net_revenue,
        b.cogs + coalesce(o.cogs, 0) as cogs,
        b.cost_to_serve + coalesce(o.cost_to_serve, 0) as cost_to_serve
    from customer_bucket as b
    left join leftover as o on o.customer_id = b.customer_id and o.bucket = b.bucket
    union all
    select customer_id, bucket, net_revenue, cogs, cost_to_serve
    from leftover
    where not has_buckets
)

select
    bucket,
    sum(net_revenue)::bigint as net_revenue_cents,
    sum(cogs)::bigint as cogs_cents,
    sum(cost_to_serve)::bigint as cost_to_serve_cents,
    count(*) as customers,
    count(*) filter (where net_revenue - cogs - cost_to_serve < 0) as unprofitable
from settled
group by bucket
order by bucket
