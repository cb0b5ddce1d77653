begin;
lock table public.orders;
-- expect: statements-after-access-exclusive
select count(*) from public.orders where total < 0;
commit;
