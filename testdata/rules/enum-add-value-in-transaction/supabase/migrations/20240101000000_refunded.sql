alter type public.order_status add value 'refunded';
-- OK: does not use the new value.
update public.orders set note = 'x' where id = 1;
-- expect: enum-add-value-in-transaction
update public.orders set status = 'refunded' where refunded_at is not null;
do $$ begin execute 'alter type public.order_status add value ''disputed'''; end $$;
-- expect: enum-add-value-in-transaction
update public.orders set status = 'disputed' where id = 2;
