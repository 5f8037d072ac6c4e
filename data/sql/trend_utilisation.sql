-- Time used per resource and bucket (a month or a quarter, $grain) of the period, by
-- every customer's activities (segment and region filters do not change capacity, as on
-- the capacity table): Σ driver volume x unit time over the resource's activities.
-- Undated activity is spread over the buckets by $weights (each bucket's share of the
-- data's date span), which together make the share of it the period gets.
-- Reads the period's activity-months (data/cube.py's period views).
-- Parameters: $grain, $buckets and $weights, $activities, $resources and
-- $unit_times (the time-driven rates: each activity's resource and unit time).
with buckets as (
    select
        unnest($buckets::date []) as bucket,
        unnest($weights::double []) as weight
),

timed as (
    select
        unnest($activities::varchar []) as activity,
        unnest($resources::varchar []) as resource,
        unnest($unit_times::double []) as unit_time
),

volume as (
    select
        activity,
        date_trunc($grain, month)::date as bucket,
        sum(quantity) as quantity
    from period_activity_month
    where month is not null
    group by all
    union all
    select
        u.activity,
        b.bucket,
        u.quantity * b.weight
    from (
        select activity, sum(quantity) as quantity
        from period_activity_month
        where month is null
        group by all
    ) as u
    cross join buckets as b
)

select
    t.resource,
    v.bucket,
    sum(v.quantity * t.unit_time)::double as used
from volume as v
inner join timed as t on t.activity = v.activity
group by all
order by t.resource, v.bucket
