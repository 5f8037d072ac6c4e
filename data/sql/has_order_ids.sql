-- Whether any invoice line carries an order id (the order-month cube has a row).
select exists (select 1 from cube_order_month) as has_orders
