-- The dataset's date span, over invoice lines and dated activities (from the cube).
with dates as (
    select min(first_date) as first_date, max(last_date) as last_date
    from cube_customer_month
    union all
    select min(first_date), max(last_date) from cube_activity_month
)

select min(first_date) as first_date, max(last_date) as last_date
from dates
