set lock_timeout = '5s';
set statement_timeout = 0;
-- expect: lock-timeout-missing
alter table public.orders add column note text;
