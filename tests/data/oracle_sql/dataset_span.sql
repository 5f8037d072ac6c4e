-- The dataset's date span, over invoice lines and dated activities.
with dates as (
    select min(date) as first_date, max(date) as last_date from transactions
    union all
    select min(date), max(date) from activities
)

select min(first_date) as first_date, max(last_date) as last_date
from dates
