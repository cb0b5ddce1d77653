begin;
set local lock_timeout = '3s';
lock table public.orders;
commit;
-- OK: the lock was released by the COMMIT.
select count(*) from public.orders;
-- OK: a query that does not touch the locked table.
begin;
lock table public.orders;
select 1;
commit;
