-- rate_card_uncovered.sql for a store that keeps the cube only (no activity rows): the
-- activities of the activity-month cube without a rate, and how many customers have
-- them. Parameter: $rated (the edited card's activity names).
select activity, count(distinct customer_id) as used
from cube_activity_month
where not list_contains($rated::varchar [], activity)
group by activity
order by activity
