-- The regions in the customer master data.
select distinct region from customers where region is not null order by 1
