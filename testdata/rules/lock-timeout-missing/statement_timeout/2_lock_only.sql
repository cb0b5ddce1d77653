set lock_timeout = '5s';
-- expect: lock-timeout-missing
alter table public.orders add column note text;
