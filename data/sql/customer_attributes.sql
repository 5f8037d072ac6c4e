-- Customer master data for every customer with lines or activity.
select
    customer_id,
    name,
    segment,
    region,
    since,
    wallet::double as wallet_amount
from customers
