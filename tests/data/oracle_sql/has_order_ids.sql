-- Whether any invoice line carries an order id.
select count(order_id) > 0 as has_orders from transactions
