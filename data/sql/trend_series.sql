-- The company's trend: per bucket (a month or a quarter, $grain) of the period, the
-- chosen customers' net revenue, COGS and cost to serve in whole cents, the customers
-- active in it (invoice lines or activity) and those among them with a negative
-- operating profit in it, for the chosen segments and regions (NULL: all; a customer
-- without master data is then left out, as in selected_customers).
--
-- Each customer's money is split over its buckets by cumulative rounding: a bucket gets
-- the rounded running total to its end less the rounded running total before it, so a
-- customer's buckets add up exactly to its figure for the whole period as the customer
-- P&L has it (revenue and COGS rounded to the cent per customer; each activity's cost,
-- volume x rate, rounded to the cent per customer and activity, half away from zero as
-- analytics.money does on the same floats), and the buckets add up to the totals.
-- Undated activity is spread over the buckets by each one's share of the data's date
-- span ($weights), which together make the prorated volume of period_activity; the
-- last bucket of a customer and activity takes the period's volume itself.
--
-- Needs period_activity. Parameters: $start, $end, $segments, $regions, $grain ('month'
-- or 'quarter'), $buckets and $weights (each bucket's first day and its share of the
-- data's span), $activities and $rates (each activity's rate per driver unit).
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

chosen as (
    select customer_id
    from customers
    where ($segments is null or list_contains($segments, segment))
      and ($regions is null or list_contains($regions, region))
),

lines as (
    select
        t.customer_id,
        date_trunc($grain, t.date)::date as bucket,
        sum(coalesce(t.net_revenue, 0)) as net_revenue,
        sum(coalesce(t.cogs, 0)) as cogs
    from transactions as t
    where ($start is null or t.date >= $start)
      and ($end is null or t.date <= $end)
      and (
          ($segments is null and $regions is null)
          or t.customer_id in (select customer_id from chosen)
      )
    group by all
),

revenue as (
    select
        customer_id,
        bucket,
        (round(sum(net_revenue) over running, 2)
         - round(sum(net_revenue) over running - net_revenue, 2)) * 100 as net_revenue,
        (round(sum(cogs) over running, 2)
         - round(sum(cogs) over running - cogs, 2)) * 100 as cogs
    from lines
    window running as (partition by customer_id order by bucket
                       rows between unbounded preceding and current row)
),

volume as (
    select customer_id, activity, bucket, sum(quantity) as quantity
    from (
        select
            customer_id,
            activity,
            date_trunc($grain, date)::date as bucket,
            quantity
        from activities
        where date is not null
          and ($start is null or date >= $start)
          and ($end is null or date <= $end)
        union all
        select
            u.customer_id,
            u.activity,
            b.bucket,
            u.quantity * b.weight
        from (
            select customer_id, activity, sum(quantity) as quantity
            from activities
            where date is null
            group by all
        ) as u
        cross join buckets as b
    )
    where ($segments is null and $regions is null)
       or customer_id in (select customer_id from chosen)
    group by all
),

running_cost as (
    select
        v.customer_id,
        v.activity,
        v.bucket,
        -- The running cost to the bucket's end; the pair's last bucket uses the period's
        -- volume, so the pair's buckets add up to the P&L's cost whatever the float
        -- noise of the running sum.
        (case
            when v.bucket = max(v.bucket) over pair then p.quantity
            else sum(v.quantity) over running
        end) * r.rate as cost
    from volume as v
    inner join rates as r on r.activity = v.activity
    inner join period_activity as p
        on p.customer_id = v.customer_id and p.activity = v.activity
    window
        pair as (partition by v.customer_id, v.activity),
        running as (partition by v.customer_id, v.activity order by v.bucket
                    rows between unbounded preceding and current row)
),

running_cents as (
    -- analytics.money.whole_cents: floor of |cost| x 100, plus one when |cost| reaches the
    -- float nearest to the half cent above it; the sign put back.
    select
        customer_id,
        activity,
        bucket,
        sign(cost) * (
            floor(abs(cost) * 100.0)
            + (abs(cost) >= (floor(abs(cost) * 100.0) + 0.5) / 100.0)::integer
        ) as cents
    from running_cost
),

cost as (
    select
        customer_id,
        bucket,
        cents - coalesce(lag(cents) over (partition by customer_id, activity
                                          order by bucket), 0) as cost_to_serve
    from running_cents
),

customer_bucket as (
    select
        customer_id,
        bucket,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(cost_to_serve) as cost_to_serve
    from (
        select customer_id, bucket, net_revenue, cogs, 0 as cost_to_serve from revenue
        union all
        select customer_id, bucket, 0, 0, cost_to_serve from cost
    )
    group by all
)

select
    bucket,
    sum(net_revenue)::bigint as net_revenue_cents,
    sum(cogs)::bigint as cogs_cents,
    sum(cost_to_serve)::bigint as cost_to_serve_cents,
    count(*) as customers,
    count(*) filter (where net_revenue - cogs - cost_to_serve < 0) as unprofitable
from customer_bucket
group by bucket
order by bucket
