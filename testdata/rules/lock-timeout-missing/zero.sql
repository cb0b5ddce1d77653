-- lock_timeout = 0 means no timeout at all.
set lock_timeout = 0;
-- expect: lock-timeout-missing
alter table public.orders add column b text;
