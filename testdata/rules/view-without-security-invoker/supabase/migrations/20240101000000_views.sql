-- expect: view-without-security-invoker
create view public.order_totals as
  select user_id, sum(total) as total from public.orders group by user_id;

-- OK: security_invoker.
create view public.my_orders with (security_invoker = true) as select * from public.orders;

-- OK: fixed by a later ALTER VIEW.
create view public.recent_orders as select * from public.orders where created_at > now() - interval '1 day';
alter view public.recent_orders set (security_invoker = on);

-- OK: not exposed.
create schema if not exists reporting;
create view reporting.revenue as select sum(total) from public.orders;

-- OK: dropped again.
create view public.tmp_view as select 1 as one;
drop view public.tmp_view;
