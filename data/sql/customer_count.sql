-- Customers with invoice lines or activity: the number every page analyses (from the
-- cube).
select count(*) as customers
from (
    select customer_id from cube_customer_month
    union
    select customer_id from cube_activity_month
)
