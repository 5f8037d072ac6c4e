-- Per customer: the date of its first invoice line over the whole dataset (any period).
select customer_id, min(date) as first_purchase
from transactions
group by customer_id
order by customer_id
