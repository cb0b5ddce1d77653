-- expect: enum-add-value-in-transaction
alter type public.order_status add value 'lost';
