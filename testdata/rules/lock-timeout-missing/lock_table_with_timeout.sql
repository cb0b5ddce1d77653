set lock_timeout = '3s';
-- OK: the lock waits at most 3 seconds.
lock table public.orders in access exclusive mode;
-- OK: SHARE mode does not block reads (and is not ACCESS EXCLUSIVE).
lock table public.customers in share mode;
