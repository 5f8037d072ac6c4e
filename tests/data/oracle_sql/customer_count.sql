-- Customers with invoice lines or activity: the number every page analyses.
select count(*) as customers
from (
    select customer_id from transactions
    union
    select customer_id from activities
)
