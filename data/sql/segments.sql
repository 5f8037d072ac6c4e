-- The segments in the customer master data.
select distinct segment from customers where segment is not null order by 1
