-- Per customer: the date of its first invoice line over the whole dataset (any period),
-- from the customer-month cube.
select customer_id, min(first_date) as first_purchase
from cube_customer_month
group by customer_id
order by customer_id
