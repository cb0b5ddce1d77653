-- LOCK TABLE takes a lock like any DDL.
-- expect: lock-timeout-missing
lock table public.orders in access exclusive mode;
