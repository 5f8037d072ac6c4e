-- Whether the store keeps the invoice lines besides the customer-month cube (NULL: a
-- store loaded before the cube, which kept them).
select lines_kept from dataset
